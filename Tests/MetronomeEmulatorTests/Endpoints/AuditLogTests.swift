import Foundation
@testable import MetronomeEmulator
import Testing

@Suite struct AuditLogTests {
    @Test func writeRoutesAreMatchedWithTheirParametersAndReadsAreNot() {
        #expect(AuditedRoute.matching(method: .post, path: "/v1/customers/c-1/plans/cp-2/end")?.action == "end_plan")
        #expect(AuditedRoute.matching(method: .post, path: "/v1/customers")?.action == "create_customer")
        #expect(AuditedRoute.matching(method: .delete, path: "/v1/customers/c-1/billing-config/stripe")?.action == "delete_billing_config")
        #expect(AuditedRoute.matching(method: .post, path: "/v1/customers/c-1/billing-config/stripe")?.action == "set_billing_config")
        for (method, path) in [("GET", "/v1/customers"), ("POST", "/v1/contracts/list"), ("POST", "/v1/ingest"),
                               ("POST", "/v1/customers/c-1/plans/add/extra")] {
            #expect(AuditedRoute.matching(method: .init(method)!, path: path) == nil, "\(method) \(path)")
        }
    }

    @Test func everyRouteIsFoundByItsOwnPathAsTheFirstOfTheListThatMatches() {
        for route in AuditedRoute.all {
            let path = route.template.replacingOccurrences(of: "{}", with: "x-1")
            let first = AuditedRoute.all.first { candidate in
                let template = candidate.template.split(separator: "/", omittingEmptySubsequences: false)
                let segments = path.split(separator: "/", omittingEmptySubsequences: false)
                return candidate.method == route.method && template.count == segments.count
                    && zip(template, segments).allSatisfy { $0 == "{}" || $0 == $1 }
            }
            #expect(AuditedRoute.matching(method: route.method, path: path)?.action == first?.action, "\(route.template)")
        }
    }

    @Test func theActorIsADigestOfTheTokenShapedAsAUUID() {
        let actor = AuditLogMiddleware.actorId("Bearer secret-token")
        #expect(actor == AuditLogMiddleware.actorId("Bearer secret-token"))
        #expect(actor != AuditLogMiddleware.actorId("Bearer other-token"))
        #expect(!actor.contains("secret"))
        #expect(actor.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        // The first 16 bytes of SHA-256("Bearer secret-token") (hashlib.sha256(...).hexdigest()[:32]).
        #expect(actor == "86e774bf-f90b-0fe5-f8ec-00ffd9e579c6")
    }
}
