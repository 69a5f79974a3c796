/// Variable names every target reads: SPSS's rules (letters, digits, `_`, `.`; a letter first; at
/// most 64 bytes; unique without regard to case), used for the CSV columns too so names match everywhere.
enum SPSSName {
    /// Makes `name` a valid variable name: other characters become `_`, a name that does not start
    /// with a letter gets a `v` in front, and it is cut to 64 bytes.
    static func sanitise(_ name: String) -> String {
        var scalars = name.unicodeScalars.map { scalar -> Character in
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == ".")
            return ok ? Character(scalar) : "_"
        }
        if let first = scalars.first, !(first.isASCII && first.isLetter) { scalars.insert("v", at: 0) }
        if scalars.isEmpty { scalars = ["v"] }
        while scalars.last == "." { scalars.removeLast() }
        return String(scalars.prefix(64))
    }

    /// Hands out unique names, in order.
    struct Registry {
        private var taken: Set<String>

        init(reserved: [String]) {
            taken = Set(reserved.map { $0.uppercased() })
        }

        /// The sanitised `name`, or with `_2`, `_3`, … when it (without regard to case) is taken.
        mutating func claim(_ name: String) -> String {
            let base = SPSSName.sanitise(name)
            var candidate = base
            var counter = 2
            while taken.contains(candidate.uppercased()) {
                let suffix = "_\(counter)"
                candidate = String(base.prefix(64 - suffix.count)) + suffix
                counter += 1
            }
            taken.insert(candidate.uppercased())
            return candidate
        }
    }
}
