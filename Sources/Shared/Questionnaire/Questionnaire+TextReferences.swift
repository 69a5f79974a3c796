import Foundation

extension Questionnaire {
    /// A label, hint or message with each `${name}` replaced by that question's answer as the form
    /// sees it (``effectiveAnswers(_:)``): text as written, numbers as numbers, several choices
    /// separated by spaces, nothing for an unanswered or hidden question; as XLSForm's output
    /// references do.
    ///
    /// ```swift
    /// form.render("Thank you, ${naam}.", answers: ["naam": .string("An")])  // "Thank you, An."
    /// ```
    /// `repeats`: the instances `count`, `sum` and `indexed-repeat` reach, and the ones being asked.
    public func render(_ text: String, answers: [String: JSONValue], repeats: RepeatScope? = nil) -> String {
        guard text.contains("${") else { return text }
        let effective = effectiveAnswers(answers, repeats: repeats)
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            result += rest[..<start.lowerBound]
            let name = rest[start.upperBound..<end].trimmingCharacters(in: .whitespaces)
            result += effective[name].map(Self.referenceText) ?? ""
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// The questions a text shows the answers of (its `${name}` references), in order, each once.
    public static func references(in text: LocalizedText) -> [String] {
        var names: [String] = []
        for value in text.texts.keys.sorted().compactMap({ text.texts[$0] }) {
            for name in XLSFormCompiler.references(inText: value) where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// An answer as it appears inside a text: as XPath `string()` reads it.
    static func referenceText(_ value: JSONValue) -> String {
        ExpressionValue(answer: value).text
    }
}
