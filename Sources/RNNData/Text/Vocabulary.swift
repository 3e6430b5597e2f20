/// The symbols of a text, sorted: Unicode scalars for UTF-8 text, bytes otherwise.
/// A token is a symbol's index.
public struct Vocabulary: Sendable, Equatable {
    public enum Symbols: Sendable, Equatable {
        case scalars([Unicode.Scalar])
        case bytes([UInt8])
    }

    public let symbols: Symbols
    private let index: [UInt32: Int32]

    public var count: Int {
        switch symbols {
        case .scalars(let s): s.count
        case .bytes(let b): b.count
        }
    }

    /// The vocabulary of `bytes` and the text as tokens: scalars when the bytes are
    /// UTF-8, the bytes themselves otherwise.
    static func tokenize(_ bytes: [UInt8]) -> (vocabulary: Vocabulary, tokens: [Int32]) {
        if let text = String(validating: bytes, as: UTF8.self) {
            let scalars = Array(text.unicodeScalars)
            let sorted = Array(Set(scalars)).sorted { $0.value < $1.value }
            let vocabulary = Vocabulary(symbols: .scalars(sorted))
            return (vocabulary, scalars.map { vocabulary.index[$0.value]! })
        }
        let sorted = Array(Set(bytes)).sorted()
        let vocabulary = Vocabulary(symbols: .bytes(sorted))
        return (vocabulary, bytes.map { vocabulary.index[UInt32($0)]! })
    }

    private init(symbols: Symbols) {
        self.symbols = symbols
        var index = [UInt32: Int32]()
        switch symbols {
        case .scalars(let scalars): for (i, s) in scalars.enumerated() { index[s.value] = Int32(i) }
        case .bytes(let bytes): for (i, b) in bytes.enumerated() { index[UInt32(b)] = Int32(i) }
        }
        self.index = index
    }

    /// Tokens of `text` (its scalars, or its UTF-8 bytes for a byte vocabulary);
    /// symbols outside the vocabulary are left out.
    public func tokens(of text: String) -> [Int32] {
        switch symbols {
        case .scalars: text.unicodeScalars.compactMap { index[$0.value] }
        case .bytes: text.utf8.compactMap { index[UInt32($0)] }
        }
    }

    /// The text of `tokens`, raw (control characters and all).
    public func text(of tokens: [Int32]) -> String {
        switch symbols {
        case .scalars(let scalars):
            var out = ""
            out.unicodeScalars.append(contentsOf: tokens.map { scalars[Int($0)] })
            return out
        case .bytes(let bytes):
            return String(decoding: tokens.map { bytes[Int($0)] }, as: UTF8.self)
        }
    }
}
