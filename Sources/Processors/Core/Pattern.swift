// Regular expressions of processor and condition configurations, compiled once at load.
//
// Beats uses Go's RE2 syntax; wirebeat compiles with ICU (through NSRegularExpression), whose syntax is a
// superset for everything RE2 accepts except the `(?P<name>…)` group spelling, which is rewritten to
// `(?<name>…)`. Matching is an unanchored search, as in Go.

import Foundation

/// A compiled regular expression.
public struct Pattern: @unchecked Sendable, CustomStringConvertible {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let regex: NSRegularExpression
    /// The expression as configured.
    public let source: String

    /// Compiles `source`; the error text names what is wrong with it.
    public init(_ source: String) throws(ProcessorFailure) {
        self.source = source
        let icu = source.replacingOccurrences(of: "(?P<", with: "(?<")
        do {
            regex = try NSRegularExpression(pattern: icu)
        } catch {
            throw ProcessorFailure("invalid regular expression \"\(source)\": \(error.localizedDescription)")
        }
    }

    /// A constant expression of wirebeat's own, known to be valid.
    init(constant source: String) {
        do { try self.init(source) } catch { preconditionFailure(error.message) }
    }

    /// The expression as configured.
    public var description: String { source }

    /// The number of capturing groups.
    public var groupCount: Int { regex.numberOfCaptureGroups }

    /// Every group of the first match, the whole match first ("" for groups that did not take part); nil when
    /// nothing matches.
    public func groups(in text: String) -> [String]? {
        let ns = text as NSString
        guard let m = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (0..<m.numberOfRanges).map {
            m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0))
        }
    }

    /// True when the expression matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        let ns = text as NSString
        return regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) != nil
    }

    /// `text` with every match replaced by `replacement`, where `$1` and `${1}` refer to groups (as in Go's
    /// `ReplaceAllString`).
    public func replacingMatches(in text: String, with replacement: String) -> String {
        let ns = text as NSString
        return regex.stringByReplacingMatches(
            in: text, range: NSRange(location: 0, length: ns.length), withTemplate: Pattern.icuTemplate(replacement))
    }

    /// Go templates write `${1}` where ICU writes `$1`, and treat a backslash literally.
    static func icuTemplate(_ go: String) -> String {
        var out = ""
        var chars = go[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "\\" {
                out += "\\\\"
            } else if c == "$", chars.first == "{", let close = chars.firstIndex(of: "}") {
                out += "$" + chars[chars.index(after: chars.startIndex)..<close]
                chars = chars[chars.index(after: close)...]
            } else {
                out.append(c)
            }
        }
        return out
    }
}
