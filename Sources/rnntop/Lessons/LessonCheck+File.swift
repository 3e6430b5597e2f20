import RNNData

/// A check's table in a lesson file:
///
/// ```toml
/// [checks.lstm-learns]
/// says = "the LSTM carries the number: its loss falls below 0.01"
/// quantity = "validation-loss"
/// run = 2
/// below = 0.01
/// within = 1000
/// published = "< 0.01 within 1,000 steps (Hochreiter & Schmidhuber 1997)"
/// ```
extension LessonFields {
    mutating func check(named name: String) throws(InputError) -> LessonCheck {
        let says = try string("says")
        let quantityName = try string("quantity")
        guard let quantity = LessonQuantity(rawValue: quantityName) else {
            let known = LessonQuantity.allCases.map(\.rawValue).joined(separator: ", ")
            throw problem("quantity", "'\(quantityName)' is not a quantity (one of: \(known))", at: value("quantity"))
        }
        let run = (try count("run") ?? 1) - 1
        let relativeTo = try reference()
        let condition = try condition(quantity)
        let within = try count("within"), at = try count("at")
        let timing: LessonCheck.Timing
        switch (within, at) {
        case (let within?, nil): timing = .within(within)
        case (nil, let at?): timing = .at(at)
        case (nil, nil): throw problem("within", "missing: give within = STEPS (reproduced at any step up to it) or at = STEP")
        case (_?, _?): throw problem("at", "give within or at, not both", at: value("at"))
        }
        let published = try string("published")
        try refuseOthers()
        return LessonCheck(
            name: name, says: says, quantity: quantity, run: run, relativeTo: relativeTo, condition: condition, timing: timing,
            published: published)
    }

    /// `relative-to = "baseline"` or `"run N"`.
    private mutating func reference() throws(InputError) -> LessonCheck.Reference {
        guard let entry = value("relative-to") else { return .none }
        let text = entry.value.string ?? ""
        if text == "baseline" { return .baseline }
        if text.hasPrefix("run "), let run = Int(text.dropFirst(4)), run >= 1, run <= 64 { return .run(run - 1) }
        throw problem("relative-to", "must be \"baseline\" or \"run N\"", at: entry)
    }

    /// Exactly one of `below`, `above`, `between = [low, high]`, or for a yes/no
    /// quantity `is = true|false`.
    private mutating func condition(_ quantity: LessonQuantity) throws(InputError) -> LessonCheck.Condition {
        var found: [LessonCheck.Condition] = []
        if let below = try number("below") { found.append(.below(below)) }
        if let above = try number("above") { found.append(.above(above)) }
        if let entry = value("between") {
            let bounds = entry.value.array?.compactMap(\.number) ?? []
            guard bounds.count == 2, entry.value.array?.count == 2, bounds.allSatisfy(\.isFinite), bounds[0] < bounds[1] else {
                throw problem("between", "must be [low, high], two numbers, low < high", at: entry)
            }
            found.append(.between(bounds[0], bounds[1]))
        }
        if let entry = value("is") {
            guard let flag = entry.value.bool else { throw problem("is", "must be true or false", at: entry) }
            found.append(.yes(flag))
        }
        guard found.count == 1 else {
            throw problem("below", found.isEmpty ? "missing: give below, above, between or is" : "give one of below, above, between and is")
        }
        let isYesNo = quantity == .diverged
        if case .yes = found[0], !isYesNo { throw problem("is", "is = true|false is for a yes/no quantity (diverged)", at: value("is")) }
        if isYesNo, case .yes = found[0] {} else if isYesNo { throw problem("is", "\(quantity.rawValue) is yes or no: write is = true or is = false") }
        return found[0]
    }
}
