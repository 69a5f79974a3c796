import Foundation
import Shared

/// Where a questionnaire comes from: an XLSForm workbook, or its sheets as CSV texts.
enum QuestionnaireSource {
    case workbook(Data)
    case sheets(survey: String, choices: String, settings: String?)

    /// Reads a questionnaire from a file: an `.xlsx` workbook, a `survey.csv` (with `choices.csv`
    /// and optionally `settings.csv` beside it), or a folder holding those CSV files.
    static func file(_ url: URL) throws -> QuestionnaireSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw QuestionnaireLoadError("There is no file \(url.path).")
        }
        if !isDirectory.boolValue && url.pathExtension.lowercased() == "xlsx" {
            return .workbook(try Data(contentsOf: url))
        }
        let folder = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        let survey = isDirectory.boolValue ? folder.appendingPathComponent("survey.csv") : url
        let choices = folder.appendingPathComponent("choices.csv")
        guard let surveyText = try? String(contentsOf: survey, encoding: .utf8) else {
            throw QuestionnaireLoadError("Cannot read \(survey.path) as UTF-8 text; give an .xlsx workbook, a survey.csv or a folder with survey.csv and choices.csv.")
        }
        guard let choicesText = try? String(contentsOf: choices, encoding: .utf8) else {
            throw QuestionnaireLoadError("\(choices.path) is missing: a CSV questionnaire needs choices.csv beside survey.csv.")
        }
        let settings = try? String(contentsOf: folder.appendingPathComponent("settings.csv"), encoding: .utf8)
        return .sheets(survey: surveyText, choices: choicesText, settings: settings)
    }

    /// Compiles the form, naming sheet, row, column and reason when it is broken.
    func compile() throws -> Questionnaire {
        switch self {
        case .sheets(let survey, let choices, let settings):
            return try XLSFormCompiler.compile(survey: survey, choices: choices, settings: settings)
        case .workbook(let data):
            let workbook: XLSXWorkbook
            do {
                workbook = try XLSXWorkbook(data: data)
            } catch let error as XLSXError {
                throw QuestionnaireLoadError(error.description)
            }
            guard let survey = workbook.rows(of: "survey") else { throw QuestionnaireLoadError("The workbook has no sheet called \"survey\".") }
            guard let choices = workbook.rows(of: "choices") else { throw QuestionnaireLoadError("The workbook has no sheet called \"choices\".") }
            do {
                return try XLSFormCompiler.compile(
                    survey: CSVWriter.text(survey), choices: CSVWriter.text(choices), settings: workbook.rows(of: "settings").map { CSVWriter.text($0) }
                )
            } catch var error as XLSFormError {
                // The compiler names CSV files; in a workbook they are sheets.
                error.sheet = error.sheet.replacingOccurrences(of: ".csv", with: "") + " sheet"
                throw error
            }
        }
    }
}

/// A questionnaire file that cannot be read or published.
struct QuestionnaireLoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
