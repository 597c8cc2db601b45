import Crypto
import Foundation

/// What an embeddable URL lets its holder see: one customer's dashboard in one namespace, with
/// the options and colours asked for. The URL carries it signed, so the page needs no API key.
struct EmbedGrant: Codable, Equatable, Sendable {
    /// The namespace whose store the dashboard reads.
    var namespace: String
    /// The customer whose dashboard it is.
    var customerId: String
    /// `invoices`, `usage`, `credits` or `commits_and_credits`.
    var dashboard: String
    /// Each `dashboard_options` key with its value.
    var options: [String: String]
    /// Each `color_overrides` name with its hex value.
    var colors: [String: String]

    enum CodingKeys: String, CodingKey {
        case namespace = "ns", customerId = "c", dashboard = "d", options = "o", colors = "k"
    }

    /// The key signing every grant; a new one at each start, so URLs last as long as the process
    /// (Metronome's are time-limited too).
    private static let key = SymmetricKey(size: .bits256)

    /// The grant as a URL-safe token: base64url of its JSON, a dot, base64url of its HMAC.
    var token: String {
        get throws {
            let payload = try JSONEncoder().encode(self)
            let mac = HMAC<SHA256>.authenticationCode(for: payload, using: Self.key)
            return Self.base64URL(payload) + "." + Self.base64URL(Data(mac))
        }
    }

    /// The grant a token carries, or nil when the token is malformed or was not signed here.
    init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]), let mac = Self.data(base64URL: parts[1]),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: Self.key),
              let grant = try? JSONDecoder().decode(EmbedGrant.self, from: payload)
        else { return nil }
        self = grant
    }

    /// A value with each stored property given.
    init(namespace: String, customerId: String, dashboard: String, options: [String: String], colors: [String: String]) {
        self.namespace = namespace
        self.customerId = customerId
        self.dashboard = dashboard
        self.options = options
        self.colors = colors
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64URL text: Substring) -> Data? {
        guard text.count <= 16_384 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
