import Foundation
import Hummingbird
import MetronomeStore
import NIOCore

/// `GET /_emulator/namespaces` and `DELETE /_emulator/namespaces/{name}`: served by the default
/// namespace only, as they act on the server's namespaces.
struct NamespacesEndpoints {
    typealias Context = EmulatorRequestContext

    let namespaces: Namespaces

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/_emulator/namespaces", use: list)
        routes.delete("/_emulator/namespaces/{name}", use: delete)
        return routes
    }

    /// Every namespace (those kept under `--data-dir` included), by name, with its size.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        var data: [NamespaceWire] = []
        for namespace in try await namespaces.all() {
            let size = try await namespace.database.size()
            data.append(NamespaceWire(
                name: namespace.name, customers: size.customers, bytes: size.bytes, persistent: namespace.path != nil
            ))
        }
        return try JSONResponse.ok(["data": data])
    }

    /// Deletes a namespace, its state and its file; the next request to it starts afresh.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        guard name != Namespaces.defaultName else {
            throw APIError.badRequest("The default namespace cannot be deleted: reset it with POST /_emulator/reset")
        }
        guard Namespaces.isValidName(name), namespaces.delete(name) else {
            throw APIError.notFound("Namespace", name)
        }
        return try JSONResponse.ok(["data": ["name": name]])
    }
}

/// A namespace as `GET /_emulator/namespaces` lists it.
struct NamespaceWire: Encodable {
    var name: String
    var customers: Int
    /// The size of its SQLite database.
    var bytes: Int
    /// Whether it is kept in a file.
    var persistent: Bool
}

/// `GET` and `PUT /_emulator/snapshot`: a namespace's whole state as one SQLite file.
struct SnapshotEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase

    /// The largest snapshot `PUT` accepts.
    static let maxSnapshotSize = 1 << 30

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/_emulator/snapshot", use: export)
        routes.put("/_emulator/snapshot", use: replace)
        return routes
    }

    /// The state as an SQLite file (SQLite's online backup).
    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let bytes = try await database.snapshot()
        return Response(
            status: .ok,
            headers: [.contentType: "application/vnd.sqlite3", .contentDisposition: "attachment; filename=\"snapshot.sqlite\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// Replaces the state, in one step, with the snapshot in the body (migrated if it was
    /// written by an older version). A body that is not one changes nothing.
    @Sendable func replace(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.maxSnapshotSize)
        guard body.readableBytes > 0 else {
            throw APIError.badRequest("Send the snapshot (an SQLite file from GET /_emulator/snapshot) as the request body")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metronome-upload-\(UUID().uuidString).sqlite").path
        defer { AppDatabase.removeDatabaseFiles(atPath: path) }
        try Data(body.readableBytesView).write(to: URL(fileURLWithPath: path))
        try await database.restore(from: try AppDatabase.openSnapshot(atPath: path))
        let size = try await database.size()
        return try JSONResponse.ok(["data": ["customers": size.customers, "bytes": size.bytes]])
    }
}
