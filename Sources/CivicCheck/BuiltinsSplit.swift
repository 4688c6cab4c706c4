/// The signature of `allocate`, which shares an amount out by a `split`.
extension Builtins {
    static let splitFunctions: [BuiltinSignature] = [
        BuiltinSignature(
            "allocate", ["amount", "split"],
            summary: "Shares an amount out by a split declared with 'split': a List of { party, amount } in the order written, exact to the split's unit (0.01 unless it says 'round to'), always adding up to the whole; leftover units go to the largest remainders, ties to the party written first.",
            example: "let parts = allocate(1234.57, \"outsourcing income\")  # [{ party: \"provider\", amount: 864.2 }, ...]"
        ) { types in
            if !types[0].mayBe(.number) {
                return .error(argument: 0, message: "allocate needs a Number to share out, found \(types[0].withArticle)", hint: nil)
            }
            if !types[1].mayBe(.text) {
                return .error(argument: 1, message: "allocate needs the split's name as a Text, found \(types[1].withArticle)", hint: nil)
            }
            return .type(.list(.record(RecordType(fields: [.init(name: "party", type: .text), .init(name: "amount", type: .number)]))))
        },
    ]
}
