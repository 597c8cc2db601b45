import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// Which of a plan's customers to list.
package enum CustomerPlanStatus: String, WireEnum {
    case all, active, ended, upcoming
}

extension AppDatabase {
    /// Up to `limit` plans, oldest first, after sequence `afterSeq`.
    package func plans(afterSeq: Int64?, limit: Int) async throws -> [PlanRecord] {
        try await writer.read { db in
            var request = PlanRecord.order(PlanRecord.Columns.seq)
            if let afterSeq { request = request.filter(PlanRecord.Columns.seq > afterSeq) }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// The plan with `id`; 404 if there is none.
    package func plan(id: String) async throws -> PlanRecord {
        try await writer.read { db in try Self.planRecord(id: id, db) }
    }

    /// The customers of a plan with their customer-plan, by `status` at `now`, in order of joining.
    package func planCustomers(
        planId: String, status: CustomerPlanStatus, now: Timestamp, afterSeq: Int64?, limit: Int
    ) async throws -> [(CustomerPlanRecord, CustomerSnapshot)] {
        try await writer.read { db in
            _ = try Self.planRecord(id: planId, db)
            var request = CustomerPlanRecord.filter(CustomerPlanRecord.Columns.planId == planId).order(CustomerPlanRecord.Columns.seq)
            let moment = now.millisecondsSinceEpoch
            switch status {
            case .all: break
            case .active:
                request = request.filter(CustomerPlanRecord.Columns.startingOn <= moment)
                    .filter(CustomerPlanRecord.Columns.endingBefore == nil || CustomerPlanRecord.Columns.endingBefore > moment)
            case .ended: request = request.filter(CustomerPlanRecord.Columns.endingBefore <= moment)
            case .upcoming: request = request.filter(CustomerPlanRecord.Columns.startingOn > moment)
            }
            if let afterSeq { request = request.filter(CustomerPlanRecord.Columns.seq > afterSeq) }
            return try request.limit(limit).fetchAll(db).map { plan in
                let record = try Self.customerRecord(id: plan.customerId, db)
                let aliases = try Self.aliases(of: record.id, db)
                return (plan, CustomerSnapshot(record: record, ingestAliases: aliases))
            }
        }
    }

    /// Puts a customer on a plan; 409 if it overlaps a plan the customer already has.
    package func addCustomerPlan(_ new: CustomerPlanRecord, now: Timestamp) async throws -> String {
        try await writer.write { db in
            _ = try Self.customerRecord(id: new.customerId, db)
            let plan = try Self.planRecord(id: new.planId, db)
            let chargeIds = Set(plan.definition.charges.map(\.id))
            for (index, adjustment) in new.priceAdjustments.enumerated() where !chargeIds.contains(adjustment.chargeId) {
                throw StoreError.invalid("'price_adjustments[\(index)].charge_id' \(adjustment.chargeId) is not a charge of plan \(plan.id)")
            }
            if let cap = new.trialSpec?.spendingCap, try CreditTypeRecord.filter(CreditTypeRecord.Columns.id == cap.creditTypeId).fetchCount(db) == 0 {
                throw StoreError.notFound("Credit type", cap.creditTypeId)
            }
            for existing in try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == new.customerId).fetchAll(db)
            where Self.overlap(existing.startingOn, existing.endingBefore, new.startingOn, new.endingBefore) {
                throw StoreError.conflict("Customer \(new.customerId) is already on plan \(existing.planId) during that time (customer plan \(existing.id))")
            }
            try Self.settle(customerId: new.customerId, now: now, db)
            try new.insert(db)
            try Self.settle(customerId: new.customerId, now: now, db)
            return new.id
        }
    }

    /// A customer's plans, newest first.
    package func customerPlans(customerId: String, afterSeq: Int64?, limit: Int) async throws -> [(CustomerPlanRecord, PlanRecord)] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            var request = CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId)
                .order(CustomerPlanRecord.Columns.seq.desc)
            if let afterSeq { request = request.filter(CustomerPlanRecord.Columns.seq < afterSeq) }
            return try request.limit(limit).fetchAll(db).map { ($0, try Self.planRecord(id: $0.planId, db)) }
        }
    }

    /// One customer plan with its plan; 404 unless it is that customer's.
    package func customerPlan(customerId: String, id: String) async throws -> (CustomerPlanRecord, PlanRecord) {
        try await writer.read { db in
            let record = try Self.customerPlanRecord(customerId: customerId, id: id, db)
            return (record, try Self.planRecord(id: record.planId, db))
        }
    }

    /// Sets (or, with nil, clears) when a customer plan ends; it must end after it starts and not
    /// run into the customer's next plan.
    package func endCustomerPlan(customerId: String, id: String, endingBefore: Timestamp?, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.customerPlanRecord(customerId: customerId, id: id, db)
            if let endingBefore, endingBefore <= record.startingOn {
                throw StoreError.invalid("'ending_before' must be after the plan's start, \(record.startingOn.rfc3339)")
            }
            for other in try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db)
            where other.id != id && Self.overlap(other.startingOn, other.endingBefore, record.startingOn, endingBefore) {
                throw StoreError.conflict("Ending customer plan \(id) then would overlap customer plan \(other.id)")
            }
            try Self.settle(customerId: customerId, now: now, db)
            record.endingBefore = endingBefore
            try record.update(db)
            try Self.settle(customerId: customerId, now: now, db)
        }
    }

    /// The IDs of billable metrics priced by usage charges of the plans a customer is on at `now`.
    package func billableMetricIdsOnCurrentPlans(customerId: String, now: Timestamp) async throws -> [String] {
        try await writer.read { db in
            try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db)
                .filter { $0.isActive(at: now) }
                .flatMap { try Self.planRecord(id: $0.planId, db).definition.charges.compactMap(\.billableMetricId) }
        }
    }

    private static func overlap(_ start: Timestamp, _ end: Timestamp?, _ otherStart: Timestamp, _ otherEnd: Timestamp?) -> Bool {
        (otherEnd.map { start < $0 } ?? true) && (end.map { otherStart < $0 } ?? true)
    }

    private static func planRecord(id: String, _ db: Database) throws -> PlanRecord {
        guard let record = try PlanRecord.filter(PlanRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Plan", id)
        }
        return record
    }

    private static func customerPlanRecord(customerId: String, id: String, _ db: Database) throws -> CustomerPlanRecord {
        _ = try customerRecord(id: customerId, db)
        guard let record = try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.id == id)
            .filter(CustomerPlanRecord.Columns.customerId == customerId).fetchOne(db)
        else {
            throw StoreError.notFound("Customer plan of customer \(customerId)", id)
        }
        return record
    }

    /// Credit types by ID, for showing `{id, name}` pairs.
    package func creditTypeNames() async throws -> [String: String] {
        try await writer.read { db in
            Dictionary(try CreditTypeRecord.fetchAll(db).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
