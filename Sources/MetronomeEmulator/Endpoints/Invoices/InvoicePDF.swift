import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// A plain, readable PDF of an invoice: a header, one row per line item (and plan sub line),
/// and the total. Text only, in the standard Helvetica font, so any PDF reader opens it.
enum InvoicePDF {
    /// The PDF file of `invoice` for `customerName`.
    static func render(_ invoice: InvoiceDocument, customerName: String) -> [UInt8] {
        var lines: [String] = [
            "Invoice \(invoice.id)",
            "Customer: \(customerName) (\(invoice.customerId))",
            "Status: \(invoice.status)    Type: \(invoice.type)",
        ]
        if let start = invoice.startTimestamp, let end = invoice.endTimestamp {
            lines.append("Period: \(start.rfc3339) to \(end.rfc3339)")
        }
        if let issuedAt = invoice.issuedAt { lines.append("Issued: \(issuedAt.rfc3339)") }
        if let planName = invoice.planName { lines.append("Plan: \(planName)") }
        lines.append("Amounts in \(invoice.creditType.name)")
        lines.append("")
        for item in invoice.lineItems {
            let quantity = item.quantity.map { "  x \($0)" } ?? ""
            lines.append("\(item.name)\(quantity)    \(item.total)")
            for sub in item.subLineItems ?? [] {
                lines.append("    \(sub.name)  x \(sub.quantity)    \(sub.subtotal)")
            }
        }
        for adjustment in invoice.invoiceAdjustments ?? [] {
            lines.append("\(adjustment.name)    \(adjustment.total)")
        }
        lines.append("")
        lines.append("Total: \(invoice.total) \(invoice.creditType.name)")
        return document(pages: stride(from: 0, to: lines.count, by: linesPerPage).map {
            Array(lines[$0..<min($0 + linesPerPage, lines.count)])
        })
    }

    private static let linesPerPage = 50

    /// A PDF whose pages show the given lines of text, top to bottom.
    static func document(pages: [[String]]) -> [UInt8] {
        // Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
        var objects: [String] = []
        let pageIds = pages.indices.map { 4 + 2 * $0 }
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Kids [\(pageIds.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        for (index, lines) in pages.enumerated() {
            var stream = "BT /F1 10 Tf 14 TL 50 800 Td\n"
            for line in lines { stream += "(\(escaped(line))) '\n" }
            stream += "ET"
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                    + "/Contents \(pageIds[index] + 1) 0 R >>"
            )
            objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream")
        }
        var bytes = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(bytes.count)
            bytes += Array("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8)
        }
        let xref = bytes.count
        var trailer = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { trailer += String(format: "%010d 00000 n \n", offset) }
        trailer += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return bytes + Array(trailer.utf8)
    }

    /// Text as a PDF string literal's content: ASCII only, with the delimiters escaped.
    private static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "(", ")", "\\": result += "\\" + String(scalar)
            case _ where scalar.value >= 0x20 && scalar.value < 0x7F: result.unicodeScalars.append(scalar)
            default: result += "?"
            }
        }
        return result
    }
}
