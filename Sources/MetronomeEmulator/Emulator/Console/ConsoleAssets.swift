import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The console's files (HTML, JavaScript, CSS), kept in `Assets/` and shipped as the target's
/// resources; read once, served from memory with an ETag.
struct ConsoleAssets: Sendable {
    /// One file ready to serve.
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        /// A strong validator: a hash of the bytes, quoted.
        var etag: String
    }

    /// Each file by name (`index.html`, `console.js`, ...).
    let files: [String: Asset]

    /// The files, loaded on first use; empty when the resources cannot be found beside the
    /// binary, in which case the console says so instead of serving a page.
    static let shared = ConsoleAssets(directory: locateDirectory())

    /// The files of `directory` (none if nil).
    init(directory: URL?) {
        var files: [String: Asset] = [:]
        let names = (directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0.path) }) ?? []
        for name in names {
            guard let directory, let type = Self.contentTypes[(name as NSString).pathExtension],
                  let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            files[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: type, etag: "\"\(digest)\"")
        }
        self.files = files
    }

    private static let contentTypes = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml",
    ]

    /// The resource bundle SwiftPM builds beside the binary (`swift build`, or copied next to an
    /// installed one), else the source checkout. Looked up by hand because `Bundle.module` stops
    /// the process when the bundle is missing.
    private static func locateDirectory() -> URL? {
        let bundleName = "metronome-emulator_MetronomeEmulator.resources"
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName).appendingPathComponent("Assets"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName).appendingPathComponent("Assets"))
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Assets"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("index.html").path) }
    }

    /// The response for `name`: 200 with the file, or 304 when the client holds this version. Pages
    /// are revalidated on each load; scripts and styles are cached for an hour.
    func response(_ name: String, request: Request) throws -> Response {
        guard let asset = files[name] else {
            if files.isEmpty {
                throw APIError(
                    status: .serviceUnavailable,
                    message: "The console's files were not found: put the "
                        + "metronome-emulator_MetronomeEmulator.resources folder the build made next to the binary"
                )
            }
            throw APIError.notFound("Console file", name)
        }
        let cacheControl = asset.contentType.hasPrefix("text/html") ? "no-cache" : "public, max-age=3600"
        var headers: HTTPFields = [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: cacheControl]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}
