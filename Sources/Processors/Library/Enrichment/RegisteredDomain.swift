// `registered_domain`: writes the registered domain (eTLD+1), and optionally the public suffix and the
// subdomain, of a host name field (reference/libbeat.md §4.5), with the public suffix list of
// PublicSuffixList.swift. Errors follow Beats: a missing field fails unless `ignore_missing` or
// `ignore_failure`; a non-string value or a name without a registered domain fails unless `ignore_failure`.
// Beats writes the target before the optional fields, so a failure on those leaves the target written.

import Config
import Events

/// `registered_domain`.
struct RegisteredDomain: Processor {
    let field: EventPath
    let targetField: EventPath
    let targetETLDField: EventPath?
    let targetSubdomainField: EventPath?
    let ignoreMissing: Bool
    let ignoreFailure: Bool
    let list: PublicSuffixList
    var name: String { "registered_domain" }

    static let options = [
        "field", "target_field", "target_etld_field", "target_subdomain_field", "ignore_missing", "ignore_failure",
        "id",
    ]

    static func build(_ o: ProcessorOptions) throws(ConfigError) -> any Processor {
        guard let field = try o.nonEmptyString("field") else {
            throw o.error("field", "registered_domain requires \"field\"")
        }
        guard let target = try o.nonEmptyString("target_field") else {
            throw o.error("target_field", "registered_domain requires \"target_field\"")
        }
        // `id` only names the instance in Beats' debug log; it is checked to be text and otherwise unused.
        _ = try o.string("id")
        let list: PublicSuffixList
        do {
            list = try PublicSuffixLists.list(at: o.environment.publicSuffixListPath)
        } catch {
            throw o.error("", error.message)
        }
        return RegisteredDomain(
            field: EventPath(field), targetField: EventPath(target),
            targetETLDField: try o.nonEmptyString("target_etld_field").map { EventPath($0) },
            targetSubdomainField: try o.nonEmptyString("target_subdomain_field").map { EventPath($0) },
            ignoreMissing: try o.bool("ignore_missing", default: false),
            ignoreFailure: try o.bool("ignore_failure", default: false), list: list)
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        guard let value = event.value(at: field) else {
            return ignoreMissing || ignoreFailure
                ? .keep : .failed("registered_domain source field [\(field)] not found")
        }
        guard case .string(let domain) = value else {
            return ignoreFailure ? .keep : .failed("registered_domain source field [\(field)] is not a string")
        }
        let split: DomainSplit
        do {
            split = try list.split(domain)
        } catch {
            return ignoreFailure ? .keep : .failed("failed to determine the registered domain: \(error.message)")
        }
        guard event.put(targetField, .string(split.registeredDomain)) else {
            return ignoreFailure ? .keep : .failed(writeError("registered domain", targetField))
        }
        if let etld = targetETLDField, !event.put(etld, .string(split.publicSuffix)), !ignoreFailure {
            return .failed(writeError("effective top-level domain", etld))
        }
        if let sub = targetSubdomainField, !split.subdomain.isEmpty, !event.put(sub, .string(split.subdomain)),
            !ignoreFailure
        {
            return .failed(writeError("subdomain", sub))
        }
        return .keep
    }

    private func writeError(_ what: String, _ target: EventPath) -> String {
        "failed to write \(what) to target field [\(target)]"
    }
}
