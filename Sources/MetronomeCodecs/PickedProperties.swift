import Foundation

/// An event's properties as metrics read them, by name: all of them, or those picked for the
/// metrics that may match it.
package protocol EventProperties {
    subscript(_ name: String) -> JSONValue? { get }
}

extension Dictionary: EventProperties where Key == String, Value == JSONValue {}

/// The values of a few named properties, picked from an event's JSON text: what rolling up reads
/// of an event, without a dictionary made for each. (Looked up by comparing names: there are few.)
package struct PickedProperties: EventProperties {
    package let names: [String]
    package private(set) var values: [JSONValue?]

    package init(names: [String]) {
        self.names = names
        values = Array(repeating: nil, count: names.count)
    }

    package subscript(_ name: String) -> JSONValue? {
        names.firstIndex(of: name).flatMap { values[$0] }
    }

    /// Picks the named members of the JSON object `jsonText` in place of those held, stepping
    /// over the others without building them; false if the text is not an object.
    package mutating func pick(fromObject jsonText: String) -> Bool {
        for index in values.indices { values[index] = nil }
        return JSONScanner.scan(jsonText) { scanner in
            guard scanner.peek() == UInt8(ascii: "{") else { return false }
            do {
                try scanner.readObject(rawKeys: { raw, key, scanner in
                    let wanted = if let raw { names.firstIndex { JSONScanner.spells($0, raw) } } else { names.firstIndex(of: key()) }
                    if let wanted {
                        values[wanted] = try scanner.readValue()
                    } else {
                        try scanner.skipValue()
                    }
                })
                try scanner.expectEnd()
            } catch {
                return false
            }
            return true
        }
    }
}
