import Foundation

/// Writes an `Encodable` value as compact JSON straight into bytes, in the order its
/// `encode(to:)` visits it. Foundation's `JSONEncoder` first builds a tree of boxed values and
/// then serializes it; on the emulator's small responses that tree was the largest cost of a
/// read (see the note of the change that added this), so responses are written in one pass.
///
/// Nested containers requested by key (`nestedContainer`, `superEncoder`) are not supported:
/// no wire type uses them, and they throw rather than write something wrong.
package enum StreamingJSONEncoder {
    /// The JSON bytes of `value`.
    package static func encode(_ value: some Encodable) throws -> [UInt8] {
        let writer = JSONByteWriter()
        try writer.write(value, codingPath: [])
        return writer.bytes
    }
}

/// The output buffer and the writing of scalars.
private final class JSONByteWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    func write(_ value: some Encodable, codingPath: [any CodingKey]) throws {
        switch value {
        case let string as String:
            writeString(string)
        case let timestamp as Timestamp:
            bytes.append(UInt8(ascii: "\""))
            timestamp.writeRFC3339(into: &bytes)
            bytes.append(UInt8(ascii: "\""))
        case let decimal as Decimal:
            writeRaw(decimal.description)
        default:
            let encoder = ByteEncoder(writer: self, codingPath: codingPath)
            try value.encode(to: encoder)
            encoder.close()
        }
    }

    func writeRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func writeDouble(_ value: Double, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "JSON has no \(value)"))
        }
        writeRaw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }
}

/// The encoder handed to one value: it remembers which container the value opened, so the
/// container can be closed once the value's `encode(to:)` returns.
private final class ByteEncoder: Encoder {
    enum Opened { case nothing, object, array, single }

    let writer: JSONByteWriter
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var opened = Opened.nothing
    var count = 0

    init(writer: JSONByteWriter, codingPath: [any CodingKey]) {
        self.writer = writer
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if opened == .nothing {
            opened = .object
            writer.bytes.append(UInt8(ascii: "{"))
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if opened == .nothing {
            opened = .array
            writer.bytes.append(UInt8(ascii: "["))
        }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if opened == .nothing { opened = .single }
        return SingleContainer(encoder: self)
    }

    /// Ends whatever the value opened; a value that wrote nothing is an empty object, as
    /// `JSONEncoder` writes it.
    func close() {
        switch opened {
        case .object: writer.bytes.append(UInt8(ascii: "}"))
        case .array: writer.bytes.append(UInt8(ascii: "]"))
        case .single: break
        case .nothing: writer.bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        }
    }

    /// Writes the separator before the next member of the open object or array.
    func nextMember() {
        if count > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        count += 1
    }

    func unsupported(_ what: String) -> EncodingError {
        EncodingError.invalidValue(what, .init(codingPath: codingPath, debugDescription: "\(what) is not supported"))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ByteEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func key(_ key: Key) {
        encoder.nextMember()
        encoder.writer.writeString(key.stringValue)
        encoder.writer.bytes.append(UInt8(ascii: ":"))
    }

    mutating func encodeNil(forKey key: Key) throws { self.key(key); encoder.writer.writeRaw("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.key(key); encoder.writer.writeRaw(value ? "true" : "false") }
    mutating func encode(_ value: String, forKey key: Key) throws { self.key(key); encoder.writer.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        self.key(key)
        try encoder.writer.writeDouble(value, codingPath: [key])
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.key(key); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.key(key); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.key(key); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.key(key); encoder.writer.writeRaw(String(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        try encoder.writer.write(value, codingPath: [])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        preconditionFailure("nested keyed containers are not used by any wire type")
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        preconditionFailure("nested unkeyed containers are not used by any wire type")
    }
    mutating func superEncoder() -> any Encoder { preconditionFailure("superEncoder is not used by any wire type") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("superEncoder is not used by any wire type") }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: ByteEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.count }

    mutating func encodeNil() throws { encoder.nextMember(); encoder.writer.writeRaw("null") }
    mutating func encode(_ value: Bool) throws { encoder.nextMember(); encoder.writer.writeRaw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.nextMember(); encoder.writer.writeString(value) }
    mutating func encode(_ value: Double) throws {
        encoder.nextMember()
        try encoder.writer.writeDouble(value, codingPath: codingPath)
    }
    mutating func encode(_ value: Int) throws { encoder.nextMember(); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.nextMember(); encoder.writer.writeRaw(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.nextMember()
        try encoder.writer.write(value, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        preconditionFailure("nested keyed containers are not used by any wire type")
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("nested unkeyed containers are not used by any wire type")
    }
    mutating func superEncoder() -> any Encoder { preconditionFailure("superEncoder is not used by any wire type") }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: ByteEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.writer.writeRaw("null") }
    mutating func encode(_ value: Bool) throws { encoder.writer.writeRaw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try encoder.writer.writeDouble(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.writer.writeRaw(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.writer.write(value, codingPath: codingPath) }
}
