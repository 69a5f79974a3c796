import Foundation
import Shared
import Testing

@Suite("Personal data declaration")
struct PersonalDataTests {
    @Test("respondent name and e-mail, contact notes, and answers (and flags) to declared questions are personal; the rest is not")
    func classification() {
        let declared: Set<String> = ["r_telefoon"]
        let personal: [(Entity, String)] = [
            (.interview, "respondentName"), (.interview, "respondentEmail"), (.interview, "answers.r_telefoon"),
            (.interview, "flags.r_telefoon"), (.contactAttempt, "note"), (.interview, "repeats.abcd1234.r_telefoon"), (.invitation, "email"),
        ]
        let other: [(Entity, String)] = [
            (.interview, "answers.a_modus"), (.interview, "respondentFunction"), (.interview, "state"),
            (.contactAttempt, "outcome"), (.caseFile, "status"), (.assignment, "interviewer"), (.invitation, "tokenHash"),
            (.interview, "repeats.abcd1234"), (.interview, "repeats.abcd1234.a_modus"),
        ]
        for (entity, field) in personal { #expect(PersonalData.isPersonal(entity: entity, field: field, personalQuestions: declared), "\(field)") }
        for (entity, field) in other { #expect(!PersonalData.isPersonal(entity: entity, field: field, personalQuestions: declared), "\(field)") }
    }

    @Test("the settings column personal_data declares questions; an unknown name is refused with sheet and column")
    func settingsColumn() throws {
        let survey = "type,name,label\ntext,r_naam,Naam\ntext,r_telefoon,Telefoon\ninteger,r_jaren,Jaren\n"
        let form = try XLSFormCompiler.compile(survey: survey, choices: "list_name,name,label\n", settings: "form_id,personal_data\nf,r_naam r_telefoon\n")
        #expect(form.personalQuestions == ["r_naam", "r_telefoon"])
        #expect(try XLSFormCompiler.defaultStudy().personalQuestions.isEmpty)
        #expect(throws: XLSFormError.self) {
            try XLSFormCompiler.compile(survey: survey, choices: "list_name,name,label\n", settings: "form_id,personal_data\nf,r_adres\n")
        }
    }
}
