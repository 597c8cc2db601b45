/// A Metronome enum on the wire: read case-insensitively (as Metronome reads `SUM`, `sum`,
/// `Sum`), written in its canonical spelling, and a 400 naming the allowed values otherwise.
package protocol WireEnum: RawRepresentable<String>, CaseIterable, Codable, Sendable, Hashable {}

extension WireEnum {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(wireValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be one of: \(Self.allowedValues)")
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The case whose raw value matches `text`, ignoring case.
    package init?(wireValue text: String) {
        if let exact = Self(rawValue: text) {
            self = exact
            return
        }
        let lowered = text.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else { return nil }
        self = match
    }

    /// The allowed values, for error messages.
    package static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
