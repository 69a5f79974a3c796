import Foundation
import Shared

/// Where a questionnaire comes from: an XLSForm workbook, or its sheets as CSV texts.
enum QuestionnaireSource {
    /// A workbook; `file` is its name as the person gave it, for error messages.
    case workbook(Data, file: String? = nil)
    /// CSV sheets; `files` maps the compiler's sheet names (`choices.csv`) to the paths as given.
    /// `choiceFiles`: the CSV files a `select_one_from_file` names, when they came with the sheets (an upload).
    case sheets(survey: String, choices: String?, settings: String?, files: [String: String] = [:], choiceFiles: [String: String] = [:])

    /// Reads a questionnaire from a file: an `.xlsx` workbook, a `survey.csv` (with `choices.csv`
    /// and `settings.csv` beside it when the form has them), or a folder holding those CSV files.
    static func file(_ url: URL) throws -> QuestionnaireSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw QuestionnaireLoadError("There is no file \(url.path).")
        }
        if !isDirectory.boolValue && url.pathExtension.lowercased() == "xlsx" {
            return .workbook(try Data(contentsOf: url), file: url.relativePath)
        }
        let folder = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        let survey = isDirectory.boolValue ? folder.appendingPathComponent("survey.csv") : url
        let choices = folder.appendingPathComponent("choices.csv")
        guard let surveyText = try? String(contentsOf: survey, encoding: .utf8) else {
            throw QuestionnaireLoadError("Cannot read \(survey.path) as UTF-8 text; give an .xlsx workbook, a survey.csv or a folder with survey.csv and choices.csv.")
        }
        // No choices.csv is fine while no question needs a choice list; the compiler says when one does.
        var choicesText: String?
        if FileManager.default.fileExists(atPath: choices.path) {
            guard let text = try? String(contentsOf: choices, encoding: .utf8) else {
                throw QuestionnaireLoadError("Cannot read \(choices.path) as UTF-8 text.")
            }
            choicesText = text
        }
        let settings = try? String(contentsOf: folder.appendingPathComponent("settings.csv"), encoding: .utf8)
        let files = [
            "survey.csv": survey.relativePath, "choices.csv": choices.relativePath,
            "settings.csv": folder.appendingPathComponent("settings.csv").relativePath,
        ]
        return .sheets(survey: surveyText, choices: choicesText, settings: settings, files: files)
    }

    /// Compiles the form, naming sheet, row, column and reason when it is broken.
    func compile() throws -> Questionnaire {
        switch self {
        case .sheets(let survey, let choices, let settings, let files, let choiceFiles):
            do {
                let name = files["survey.csv"].map { URL(fileURLWithPath: $0) }.map { url in
                    url.deletingPathExtension().lastPathComponent == "survey" ? url.deletingLastPathComponent().lastPathComponent : url.deletingPathExtension().lastPathComponent
                }
                return try XLSFormCompiler.compile(
                    survey: survey, choices: choices, settings: settings, defaultFormID: name.flatMap { Self.formID(fromFileName: $0) },
                    choiceFile: Self.filesBeside(files["survey.csv"]) ?? { choiceFiles[$0] }
                )
            } catch var error as XLSFormError {
                // The file as the person named it: `studie/choices.csv`, not `choices.csv`.
                error.sheet = files[error.sheet] ?? error.sheet
                throw error
            }
        case .workbook(let data, let file):
            let workbook: XLSXWorkbook
            do {
                workbook = try XLSXWorkbook(data: data)
            } catch let error as XLSXError {
                throw QuestionnaireLoadError(error.description)
            }
            // As pyxform: a workbook of one sheet is the survey, whatever the sheet is called.
            let onlySheet = workbook.sheets.count == 1 ? workbook.sheets.first?.rows : nil
            guard let survey = workbook.rows(of: "survey") ?? onlySheet else {
                throw QuestionnaireLoadError("\(file ?? "The workbook") has no sheet called \"survey\": an XLSForm needs one, with a row per question.")
            }
            do {
                return try XLSFormCompiler.compile(
                    survey: CSVWriter.text(survey), choices: workbook.rows(of: "choices").map { CSVWriter.text($0) },
                    settings: workbook.rows(of: "settings").map { CSVWriter.text($0) },
                    defaultFormID: file.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }.flatMap { Self.formID(fromFileName: $0) },
                    choiceFile: Self.filesBeside(file)
                )
            } catch var error as XLSFormError {
                // The compiler names CSV files; in a workbook they are sheets: `vragenlijst.xlsx, sheet "choices",`.
                let sheet = error.sheet.replacingOccurrences(of: ".csv", with: "")
                error.sheet = file.map { "\($0), sheet \"\(sheet)\"," } ?? "\(sheet) sheet"
                throw error
            }
        }
    }
}

extension QuestionnaireSource {
    /// Reads a choices file (`select_one_from_file places.csv`) from the folder of `path`, as ODK
    /// ships such files beside the form; `nil` when the form came without a path (an upload).
    static func filesBeside(_ path: String?) -> ((String) -> String?)? {
        guard let path else { return nil }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return { name in
            // Only a plain file name: the form may not reach outside its folder.
            guard !name.contains("/"), !name.hasPrefix(".") else { return nil }
            return try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
    }

    /// A form id from a file's name, as pyxform takes one when the settings give none: characters
    /// other than letters, digits, `_`, `-` and `.` become `_`.
    static func formID(fromFileName name: String) -> String? {
        let id = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) ? $0 : "_" })
        return id.isEmpty || id == "." || id == ".." ? nil : id
    }
}

/// A questionnaire file that cannot be read or published.
struct QuestionnaireLoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
