/// Splits CSV text into rows of fields, RFC 4180 style: fields separated by commas,
/// optionally in double quotes (a doubled quote inside is one quote), rows ended by
/// LF or CRLF. A UTF-8 byte-order mark at the start is skipped; blank lines are
/// dropped. Each row remembers its line number in the file for error messages.
struct CSVParser {
    struct Row {
        /// 1-based line of the file where the row starts.
        let line: Int
        let fields: [String]
    }

    let file: String

    func parse(_ bytes: [UInt8]) throws(InputError) -> [Row] {
        var rows = Rows(file: file)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count {
            let next = i + 1 < bytes.count ? bytes[i + 1] : nil
            if rows.quoted {
                // A doubled quote is one quote, and both bytes are taken.
                if rows.takeQuoted(bytes[i], next: next) { i += 1 }
            } else {
                try rows.takePlain(bytes[i], next: next)
            }
            i += 1
        }
        return try rows.finished()
    }

    /// The rows so far and the field being read.
    private struct Rows {
        let file: String
        var rows = [Row]()
        var fields = [String]()
        var field = [UInt8]()
        /// Inside a quoted field; and whether the current field was quoted.
        var quoted = false, wasQuoted = false
        /// The line being read, and the line the current row started on.
        var line = 1, rowLine = 1

        init(file: String) {
            self.file = file
        }

        /// A byte inside quotes; true when it was the first of a doubled quote.
        mutating func takeQuoted(_ byte: UInt8, next: UInt8?) -> Bool {
            if byte == UInt8(ascii: "\"") {
                if next == UInt8(ascii: "\"") {
                    field.append(byte)
                    return true
                }
                quoted = false
            } else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                field.append(byte)
            }
            return false
        }

        mutating func takePlain(_ byte: UInt8, next: UInt8?) throws(InputError) {
            switch byte {
            case UInt8(ascii: "\""):
                guard field.allSatisfy({ $0 == UInt8(ascii: " ") }) else {
                    throw InputError(file: file, location: "line \(line)", problem: "a quote in the middle of an unquoted field")
                }
                field.removeAll(keepingCapacity: true)
                quoted = true
                wasQuoted = true
            case UInt8(ascii: ","):
                try endField()
            case UInt8(ascii: "\r") where next == UInt8(ascii: "\n"):
                break
            case UInt8(ascii: "\n"):
                try endRow()
                line += 1
                rowLine = line
            default:
                field.append(byte)
            }
        }

        /// The rows, once the last byte is read: a row without its line break ends too.
        mutating func finished() throws(InputError) -> [Row] {
            if quoted { throw InputError(file: file, location: "line \(rowLine)", problem: "a quoted field is never closed") }
            if !field.isEmpty || !fields.isEmpty { try endRow() }
            return rows
        }

        private mutating func endField() throws(InputError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw InputError(file: file, location: "line \(rowLine)", problem: "is not valid UTF-8 text")
            }
            fields.append(wasQuoted ? text : text.trimmingSpaces())
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }

        private mutating func endRow() throws(InputError) {
            try endField()
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" || first == "\r" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" || last == "\r" { view.removeLast() }
        return String(view)
    }
}
