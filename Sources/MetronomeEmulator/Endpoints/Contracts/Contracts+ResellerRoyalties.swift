import Foundation
import MetronomeBilling
import MetronomeCodecs

/// An item of `reseller_royalties` on `contracts/create`.
struct ResellerRoyaltyBody: Decodable {
    var fraction: Decimal
    var netsuiteResellerId: String
    var resellerType: ResellerRoyaltyTerms.ResellerType
    var startingAt: Timestamp
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var awsOptions: AWSOptions?
    var endingBefore: Timestamp?
    var gcpOptions: GCPOptions?
    var resellerContractValue: Decimal?

    /// `aws_options`.
    struct AWSOptions: Decodable {
        var awsAccountNumber: String?
        var awsOfferId: String?
        var awsPayerReferenceId: String?

        enum CodingKeys: String, CodingKey {
            case awsAccountNumber = "aws_account_number", awsOfferId = "aws_offer_id", awsPayerReferenceId = "aws_payer_reference_id"
        }
    }

    /// `gcp_options`.
    struct GCPOptions: Decodable {
        var gcpAccountId: String?
        var gcpOfferId: String?

        enum CodingKeys: String, CodingKey {
            case gcpAccountId = "gcp_account_id", gcpOfferId = "gcp_offer_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case fraction, netsuiteResellerId = "netsuite_reseller_id", resellerType = "reseller_type", startingAt = "starting_at"
        case applicableProductIds = "applicable_product_ids", applicableProductTags = "applicable_product_tags"
        case awsOptions = "aws_options", endingBefore = "ending_before", gcpOptions = "gcp_options"
        case resellerContractValue = "reseller_contract_value"
    }

    /// The royalty, checked; `field` names it in messages.
    func terms(field: String) throws -> ResellerRoyaltyTerms {
        guard (0...1).contains(fraction) else { throw APIError.badRequest("'\(field).fraction' must be between 0 and 1") }
        if let endingBefore, endingBefore <= startingAt {
            throw APIError.badRequest("'\(field).ending_before' must be after its starting_at")
        }
        if awsOptions != nil && !resellerType.isAWS {
            throw APIError.badRequest("'\(field).aws_options' is for AWS and AWS_PRO_SERVICE royalties only")
        }
        if gcpOptions != nil && resellerType.isAWS {
            throw APIError.badRequest("'\(field).gcp_options' is for GCP and GCP_PRO_SERVICE royalties only")
        }
        return ResellerRoyaltyTerms(
            resellerType: resellerType, fraction: fraction,
            netsuiteResellerId: try Validate.name(netsuiteResellerId, field: "\(field).netsuite_reseller_id"),
            startingAt: startingAt, endingBefore: endingBefore,
            applicableProductIds: try applicableProductIds.map { ids in
                try ids.map { try Validate.id($0, field: "\(field).applicable_product_ids") }
            },
            applicableProductTags: applicableProductTags, awsAccountNumber: awsOptions?.awsAccountNumber,
            awsOfferId: awsOptions?.awsOfferId, awsPayerReferenceId: awsOptions?.awsPayerReferenceId,
            gcpAccountId: gcpOptions?.gcpAccountId, gcpOfferId: gcpOptions?.gcpOfferId, resellerContractValue: resellerContractValue
        )
    }
}

/// Metronome's v1 `ResellerRoyalty`: one royalty with its reseller's options at the top level.
/// v2 groups the same values by reseller type (`ResellerRoyaltiesV2Wire`).
struct ResellerRoyaltyWire: Encodable {
    var royalty: ResellerRoyaltyTerms

    func encode(to encoder: any Encoder) throws {
        try royalty.encode(to: encoder)
    }
}

/// Metronome's v2 `ResellerRoyalty`: a reseller type with its royalties as `segments`.
struct ResellerRoyaltiesV2Wire: Encodable {
    var resellerType: ResellerRoyaltyTerms.ResellerType
    var segments: [ResellerRoyaltyWire]

    enum CodingKeys: String, CodingKey {
        case resellerType = "reseller_type", segments
    }

    /// `royalties` grouped by reseller type, in the order each type first appears.
    static func grouped(_ royalties: [ResellerRoyaltyWire]) -> [ResellerRoyaltiesV2Wire] {
        var groups: [ResellerRoyaltiesV2Wire] = []
        for royalty in royalties {
            if let index = groups.firstIndex(where: { $0.resellerType == royalty.royalty.resellerType }) {
                groups[index].segments.append(royalty)
            } else {
                groups.append(ResellerRoyaltiesV2Wire(resellerType: royalty.royalty.resellerType, segments: [royalty]))
            }
        }
        return groups
    }
}
