import Foundation
import RNNData

/// A value inside a parsed JSON file, with the dotted path that reached it, so every
/// complaint can name the file and the field.
struct JSONField {
    let file: String
    let path: String
    let value: Any

    /// Parses the file at `path`.
    static func load(_ path: String) throws(InputError) -> JSONField {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(file: path, problem: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, problem: "cannot be read")
        }
        guard !data.isEmpty else { throw InputError(file: path, problem: "is empty, expected a JSON object") }
        do {
            let value = try JSONSerialization.jsonObject(with: data)
            return JSONField(file: path, path: "", value: value)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw InputError(file: path, problem: "is not valid JSON" + (detail.map { " (\($0))" } ?? ""))
        }
    }

    private func fail(_ problem: String) -> InputError {
        InputError(file: file, field: path.isEmpty ? nil : path, problem: problem)
    }

    private func child(_ key: String, _ value: Any) -> JSONField {
        JSONField(file: file, path: path.isEmpty ? key : "\(path).\(key)", value: value)
    }

    /// The member `key`, which must exist.
    subscript(key: String) -> JSONField {
        get throws(InputError) {
            guard let object = value as? [String: Any] else { throw fail("expected a JSON object") }
            guard let member = object[key] else {
                throw InputError(file: file, field: path.isEmpty ? key : "\(path).\(key)", problem: "missing")
            }
            return child(key, member)
        }
    }

    /// The member `key`, or nil when absent.
    func optional(_ key: String) throws(InputError) -> JSONField? {
        guard let object = value as? [String: Any] else { throw fail("expected a JSON object") }
        return object[key].map { child(key, $0) }
    }

    /// The object's keys, sorted.
    func keys() throws(InputError) -> [String] {
        guard let object = value as? [String: Any] else { throw fail("expected a JSON object") }
        return object.keys.sorted()
    }

    /// The elements of an array, each with its index in the path.
    func elements() throws(InputError) -> [JSONField] {
        guard let array = value as? [Any] else { throw fail("expected an array") }
        return array.enumerated().map { child("\($0.offset)", $0.element) }
    }

    func string() throws(InputError) -> String {
        guard let string = value as? String else { throw fail("expected a string") }
        return string
    }

    func number() throws(InputError) -> Double {
        // JSON's true and false also arrive as NSNumber, with the C type "char".
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
            throw fail("expected a number")
        }
        return number.doubleValue
    }

    func int() throws(InputError) -> Int {
        let n = try number()
        guard n == n.rounded(), abs(n) < 1e15 else { throw fail("expected a whole number, got \(n)") }
        return Int(n)
    }

    func numbers() throws(InputError) -> [Double] {
        guard let array = value as? [Any] else { throw fail("expected an array of numbers") }
        var out = [Double]()
        out.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            out.append(try child("\(i)", element).number())
        }
        return out
    }

    /// A `{"shape": [...], "data": [...]}` tensor whose shape must be `expected`
    /// (when given) and whose data must have the shape's element count.
    func tensor(shape expected: [Int]? = nil) throws(InputError) -> Tensor {
        let shape = try self["shape"].numbers().map { Int($0) }
        let data = try self["data"].numbers()
        if let expected, shape != expected {
            throw fail("expected shape \(expected), got \(shape)")
        }
        guard data.count == shape.reduce(1, *) else {
            throw fail("shape \(shape) needs \(shape.reduce(1, *)) values, data has \(data.count)")
        }
        guard data.allSatisfy(\.isFinite) else { throw fail("holds a value that is not a finite number") }
        return Tensor(shape: shape, data: data)
    }
}

/// A reference tensor: shape and row-major float64 values.
struct Tensor {
    let shape: [Int]
    let data: [Double]

    var floats: [Float] { data.map { Float($0) } }
}
