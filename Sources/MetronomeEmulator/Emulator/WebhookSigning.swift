import Crypto
import Foundation
import MetronomeCodecs
import MetronomeStore

/// How Metronome signs a webhook request: `Metronome-Webhook-Signature` is the lowercase hex
/// HMAC-SHA256, keyed by the destination's secret, of the `Date` header's value, a newline and
/// the raw body.
enum WebhookSigning {
    /// The signature of `body` sent with `date`, keyed by `secret`.
    static func signature(date: String, body: some DataProtocol, secret: String) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data((date + "\n").utf8))
        hmac.update(data: body)
        return Data(hmac.finalize()).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `moment` as an RFC 7231 HTTP date (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ moment: Timestamp) -> String {
        let seconds = moment.millisecondsSinceEpoch.floorDivided(by: 1000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Timestamp.civilFromDays(days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 11) % 7)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[weekday]), \(two(day)) \(months[Int(month) - 1]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)) GMT"
    }
}

extension WebhookDestination {
    /// The destinations of `--webhook-url`, each with `--webhook-secret`. Their IDs are derived
    /// from their position and URL, so that a restart with the same flags finds the deliveries
    /// it left pending.
    static func fromFlags(urls: [String], secret: String?) -> [WebhookDestination] {
        guard let secret else { return [] }
        return urls.enumerated().map { index, url in
            var bytes = Array(SHA256.hash(data: Data("metronome-emulator webhook \(index) \(url)".utf8)).prefix(16))
            bytes[6] = (bytes[6] & 0x0F) | 0x50
            bytes[8] = (bytes[8] & 0x3F) | 0x80
            let id = UUID(uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )).uuidString.lowercased()
            return WebhookDestination(id: id, url: url, secret: secret, eventTypes: nil)
        }
    }

    /// Why `url` cannot take webhooks (it is not an absolute `http` or `https` URL with a host),
    /// or nil if it can.
    static func problem(withURL url: String) -> String? {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else {
            return "'url' must be an absolute http or https URL, got '\(url)'"
        }
        return nil
    }
}
