import Foundation

/// Writes an `Encodable` value as compact JSON straight into bytes, in the order its
/// `encode(to:)` visits it. Foundation's `JSONEncoder` first builds a tree of boxed values and
/// then serializes it; on the emulator's small responses that tree was the largest cost of a
/// read (see the note of the change that added this), so responses are written in one pass.
///
/// What it writes parses to what `JSONEncoder` (default options) writes, with these differences
/// in spelling only: keys come in the order `encode(to:)` gives them (a dictionary's in its
/// iteration order), `/` is not escaped, `-0.0` is `0` and an integral `Double` from 1e15 up
/// has an exponent (`1e+15`, where `JSONEncoder` writes the digits); and a top-level value that
/// encodes nothing is `{}` (where `JSONEncoder` throws).
///
/// A value it cannot write throws an `EncodingError.invalidValue` whose coding path says where
/// the value sat; it never stops the process. Such values are: a non-finite `Double` or `Float`,
/// a `Decimal` NaN (which `JSONEncoder` writes as the invalid `NaN`), nested containers
/// requested by key or index and `superEncoder` (no wire type uses them), containers of two
/// kinds asked of one encoder, and a second value given to a single-value container.
package enum StreamingJSONEncoder {
    /// The JSON bytes of `value`.
    package static func encode(_ value: some Encodable) throws -> [UInt8] {
        let writer = JSONByteWriter()
        try writer.write(value)
        // A refused request also throws where it is used; this catches a value that swallowed that error.
        if let refusal = writer.refusal { throw refusal }
        return writer.bytes
    }
}

/// The output buffer and the writing of scalars.
///
/// Coding paths are not carried down while writing, which would cost an array per member:
/// every encoder's `codingPath` is empty, and an error gets its path as it propagates out, each
/// container putting its key or index in front. (A refusal that a value swallowed is thrown at
/// the end with the path it had there.)
private final class JSONByteWriter {
    var bytes: [UInt8] = []
    /// The first request an encoder could not honour. `Encoder`'s container methods cannot
    /// throw, so the request is answered with a container that refuses every value, and
    /// `StreamingJSONEncoder.encode` throws this in the end even if that refusal was swallowed.
    var refusal: EncodingError?

    init() { bytes.reserveCapacity(512) }

    func write(_ value: some Encodable) throws {
        switch value {
        case let string as String:
            writeString(string)
        case let timestamp as Timestamp:
            bytes.append(UInt8(ascii: "\""))
            timestamp.writeRFC3339(into: &bytes)
            bytes.append(UInt8(ascii: "\""))
        case let decimal as Decimal:
            guard !decimal.isNaN else {
                throw EncodingError.invalidValue(decimal, .init(codingPath: [], debugDescription: "JSON has no NaN"))
            }
            writeRaw(decimal.description)
        default:
            let encoder = ByteEncoder(writer: self)
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

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
        }
        writeRaw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }

    /// A `Float` in its own shortest spelling, as `JSONEncoder` writes it: widened to `Double`
    /// first, 0.1 would read back as 0.10000000149011612.
    func writeFloat(_ value: Float) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        writeRaw(text)
    }
}

extension EncodingError {
    /// This error with `key` put in front of its coding path.
    fileprivate func under(_ key: any CodingKey) -> EncodingError {
        switch self {
        case .invalidValue(let value, let context):
            .invalidValue(value, .init(
                codingPath: [key] + context.codingPath, debugDescription: context.debugDescription,
                underlyingError: context.underlyingError
            ))
        @unknown default:
            self
        }
    }
}

/// The key of an array element in a coding path.
private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// The encoder handed to one value: it remembers which container the value opened, so the
/// container can be closed once the value's `encode(to:)` returns.
private final class ByteEncoder: Encoder {
    enum Opened { case nothing, object, array, single }

    let writer: JSONByteWriter
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var opened = Opened.nothing
    /// Members written to the open object or array.
    var count = 0
    /// Whether the single-value container has written its value.
    var wroteSingle = false

    init(writer: JSONByteWriter) {
        self.writer = writer
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        guard open(.object, "{") else {
            return KeyedEncodingContainer(RefusedKeyedContainer<Key>(refusal: refuse("a keyed container after another kind of container")))
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        guard open(.array, "[") else {
            return RefusedUnkeyedContainer(refusal: refuse("an unkeyed container after another kind of container"))
        }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        switch opened {
        case .nothing: opened = .single
        case .single: break
        case .object, .array:
            return RefusedSingleContainer(refusal: refuse("a single-value container after a keyed or unkeyed one"))
        }
        return SingleContainer(encoder: self)
    }

    /// Opens a keyed or unkeyed container, writing `bracket`; false if the value already opened
    /// another kind, or wrote its single value. (Asking again for the same kind is allowed, as
    /// `JSONEncoder` allows it.)
    private func open(_ kind: Opened, _ bracket: Unicode.Scalar) -> Bool {
        if opened == kind { return true }
        guard opened == .nothing || (opened == .single && !wroteSingle) else { return false }
        opened = kind
        writer.bytes.append(UInt8(ascii: bracket))
        return true
    }

    /// Ends whatever the value opened; a value that wrote nothing is an empty object, as
    /// `JSONEncoder` writes a nested one.
    func close() {
        switch opened {
        case .object: writer.bytes.append(UInt8(ascii: "}"))
        case .array: writer.bytes.append(UInt8(ascii: "]"))
        case .single: if !wroteSingle { writer.bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")]) }
        case .nothing: writer.bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        }
    }

    /// Writes the separator before the next member of the open object or array.
    func nextMember() {
        if count > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        count += 1
    }

    /// Claims the single value of a single-value container; throws if it was given one already.
    func claimSingleValue() throws {
        guard !wroteSingle else { throw refuse("a second value in a single-value container") }
        wroteSingle = true
    }

    /// Records that `what` was asked and cannot be written, and returns the error that says so;
    /// `key`, when given, is where it was asked.
    func refuse(_ what: String, at key: (any CodingKey)? = nil) -> EncodingError {
        let error = EncodingError.invalidValue(
            what, .init(codingPath: key.map { [$0] } ?? [], debugDescription: "\(what) is not supported")
        )
        if writer.refusal == nil { writer.refusal = error }
        return error
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
        do { try encoder.writer.writeDouble(value) } catch let error as EncodingError { throw error.under(key) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        self.key(key)
        do { try encoder.writer.writeFloat(value) } catch let error as EncodingError { throw error.under(key) }
    }
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
        do { try encoder.writer.write(value) } catch let error as EncodingError { throw error.under(key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RefusedKeyedContainer<NestedKey>(refusal: encoder.refuse("a nested keyed container", at: key)))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        RefusedUnkeyedContainer(refusal: encoder.refuse("a nested unkeyed container", at: key))
    }
    mutating func superEncoder() -> any Encoder { RefusedEncoder(refusal: encoder.refuse("superEncoder")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { RefusedEncoder(refusal: encoder.refuse("superEncoder", at: key)) }
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
        do { try encoder.writer.writeDouble(value) } catch let error as EncodingError { throw error.under(IndexKey(intValue: count - 1)) }
    }
    mutating func encode(_ value: Float) throws {
        encoder.nextMember()
        do { try encoder.writer.writeFloat(value) } catch let error as EncodingError { throw error.under(IndexKey(intValue: count - 1)) }
    }
    mutating func encode(_ value: Int) throws { encoder.nextMember(); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.nextMember(); encoder.writer.writeRaw(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.nextMember()
        do { try encoder.writer.write(value) } catch let error as EncodingError { throw error.under(IndexKey(intValue: count - 1)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RefusedKeyedContainer<NestedKey>(
            refusal: encoder.refuse("a nested keyed container", at: IndexKey(intValue: count))
        ))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        RefusedUnkeyedContainer(refusal: encoder.refuse("a nested unkeyed container", at: IndexKey(intValue: count)))
    }
    mutating func superEncoder() -> any Encoder { RefusedEncoder(refusal: encoder.refuse("superEncoder", at: IndexKey(intValue: count))) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: ByteEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { try encoder.claimSingleValue(); encoder.writer.writeRaw("null") }
    mutating func encode(_ value: Bool) throws { try encoder.claimSingleValue(); encoder.writer.writeRaw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { try encoder.claimSingleValue(); encoder.writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try encoder.claimSingleValue(); try encoder.writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { try encoder.claimSingleValue(); try encoder.writer.writeFloat(value) }
    mutating func encode(_ value: Int) throws { try encoder.claimSingleValue(); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
    mutating func encode(_ value: Int64) throws { try encoder.claimSingleValue(); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: UInt) throws { try encoder.claimSingleValue(); encoder.writer.writeRaw(String(value)) }
    mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
    mutating func encode(_ value: UInt64) throws { try encoder.claimSingleValue(); encoder.writer.writeRaw(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.claimSingleValue(); try encoder.writer.write(value) }
}

// MARK: - Refused requests

/// The encoder handed back for a refused `superEncoder`: every container it gives refuses.
private struct RefusedEncoder: Encoder {
    let refusal: EncodingError
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(RefusedKeyedContainer<Key>(refusal: refusal))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { RefusedUnkeyedContainer(refusal: refusal) }
    func singleValueContainer() -> any SingleValueEncodingContainer { RefusedSingleContainer(refusal: refusal) }
}

/// A keyed container that writes nothing and throws `refusal` for every value.
private struct RefusedKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let refusal: EncodingError
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Bool, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: String, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Int, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Int8, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Int16, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Int32, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: Int64, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: UInt, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { throw refusal }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { throw refusal }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw refusal }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RefusedKeyedContainer<NestedKey>(refusal: refusal))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { RefusedUnkeyedContainer(refusal: refusal) }
    mutating func superEncoder() -> any Encoder { RefusedEncoder(refusal: refusal) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { RefusedEncoder(refusal: refusal) }
}

/// An unkeyed container that writes nothing and throws `refusal` for every value.
private struct RefusedUnkeyedContainer: UnkeyedEncodingContainer {
    let refusal: EncodingError
    var codingPath: [any CodingKey] { [] }
    var count: Int { 0 }

    mutating func encodeNil() throws { throw refusal }
    mutating func encode(_ value: Bool) throws { throw refusal }
    mutating func encode(_ value: String) throws { throw refusal }
    mutating func encode(_ value: Double) throws { throw refusal }
    mutating func encode(_ value: Float) throws { throw refusal }
    mutating func encode(_ value: Int) throws { throw refusal }
    mutating func encode(_ value: Int8) throws { throw refusal }
    mutating func encode(_ value: Int16) throws { throw refusal }
    mutating func encode(_ value: Int32) throws { throw refusal }
    mutating func encode(_ value: Int64) throws { throw refusal }
    mutating func encode(_ value: UInt) throws { throw refusal }
    mutating func encode(_ value: UInt8) throws { throw refusal }
    mutating func encode(_ value: UInt16) throws { throw refusal }
    mutating func encode(_ value: UInt32) throws { throw refusal }
    mutating func encode(_ value: UInt64) throws { throw refusal }
    mutating func encode<T: Encodable>(_ value: T) throws { throw refusal }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(RefusedKeyedContainer<NestedKey>(refusal: refusal))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { RefusedUnkeyedContainer(refusal: refusal) }
    mutating func superEncoder() -> any Encoder { RefusedEncoder(refusal: refusal) }
}

/// A single-value container that writes nothing and throws `refusal` for every value.
private struct RefusedSingleContainer: SingleValueEncodingContainer {
    let refusal: EncodingError
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { throw refusal }
    mutating func encode(_ value: Bool) throws { throw refusal }
    mutating func encode(_ value: String) throws { throw refusal }
    mutating func encode(_ value: Double) throws { throw refusal }
    mutating func encode(_ value: Float) throws { throw refusal }
    mutating func encode(_ value: Int) throws { throw refusal }
    mutating func encode(_ value: Int8) throws { throw refusal }
    mutating func encode(_ value: Int16) throws { throw refusal }
    mutating func encode(_ value: Int32) throws { throw refusal }
    mutating func encode(_ value: Int64) throws { throw refusal }
    mutating func encode(_ value: UInt) throws { throw refusal }
    mutating func encode(_ value: UInt8) throws { throw refusal }
    mutating func encode(_ value: UInt16) throws { throw refusal }
    mutating func encode(_ value: UInt32) throws { throw refusal }
    mutating func encode(_ value: UInt64) throws { throw refusal }
    mutating func encode<T: Encodable>(_ value: T) throws { throw refusal }
}
