import Foundation
@testable import MetronomeEmulator
import Testing

@Suite struct InvoicePDFTests {
    @Test func theDocumentHasAValidCrossReferenceTable() throws {
        let bytes = InvoicePDF.document(pages: [["Hello (world)"], ["Page two"]])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.4"))
        #expect(text.hasSuffix("%%EOF\n"))
        #expect(text.contains("(Hello \\(world\\)) '"))
        let startxref = try #require(text.range(of: "startxref\n"))
        let offset = Int(text[startxref.upperBound...].prefix { $0.isNumber })!
        #expect(Array(bytes[offset..<offset + 4]) == Array("xref".utf8))
        let firstObject = try #require(text.range(of: "1 0 obj"))
        let recorded = text.components(separatedBy: "\n").first { $0.hasSuffix(" 00000 n ") }!
        #expect(Int(recorded.prefix(10)) == text.utf8.distance(from: text.utf8.startIndex, to: firstObject.lowerBound))
    }
}
