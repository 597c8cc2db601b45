import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Custom fields: keys registered per kind of object, and values set on objects.
struct CustomFieldsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase

    /// Keys on one page of `listKeys`, which takes no `limit`.
    static let keysPageSize = Limits.pageSize

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/customFields/addKey", use: addKey)
        routes.post("/v1/customFields/listKeys", use: listKeys)
        routes.post("/v1/customFields/removeKey", use: removeKey)
        routes.post("/v1/customFields/setValues", use: setValues)
        routes.post("/v1/customFields/deleteValues", use: deleteValues)
        return routes
    }

    @Sendable func addKey(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: AddCustomFieldKeyRequest.self, context: context)
        try Validate.length(body.key, field: "key", 1...Limits.customFieldLength)
        try await database.addCustomFieldKey(entity: body.entity, key: body.key, enforceUniqueness: body.enforceUniqueness)
        return JSONResponse.empty()
    }

    @Sendable func listKeys(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(queryWithoutLimit: QueryParameters(request), list: "custom-field-keys", pageSize: Self.keysPageSize)
        let body = try await request.decodeJSON(as: ListCustomFieldKeysRequest.self, context: context)
        let rows = try await database.customFieldKeys(
            entities: body.entities ?? [], afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(Page(
            rows: rows, request: page, list: "custom-field-keys", key: { [String($0.seq ?? 0)] }, transform: CustomFieldKeyWire.init
        ))
    }

    @Sendable func removeKey(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: RemoveCustomFieldKeyRequest.self, context: context)
        try await database.removeCustomFieldKey(entity: body.entity, key: body.key)
        return JSONResponse.empty()
    }

    @Sendable func setValues(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SetCustomFieldValuesRequest.self, context: context)
        let id = try Validate.id(body.entityId, field: "entity_id")
        try await database.setCustomFieldValues(entity: body.entity, id: id, values: body.customFields)
        return JSONResponse.empty()
    }

    @Sendable func deleteValues(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: DeleteCustomFieldValuesRequest.self, context: context)
        let id = try Validate.id(body.entityId, field: "entity_id")
        try await database.deleteCustomFieldValues(entity: body.entity, id: id, keys: body.keys)
        return JSONResponse.empty()
    }
}
