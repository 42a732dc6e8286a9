//! Conversion rules for BTEQ commands (codes `BQ...`).

pub mod comments;
pub mod export;
pub mod goto;
pub mod if_block;
pub mod import;
pub mod logon;
pub mod passthrough;
pub mod quit;
pub mod requests;
pub mod settings;
pub mod sqlstate;
pub mod unsupported;

use crate::convert::context::{Command, ConvertContext, Output};
use crate::diagnostic::Severity;
use crate::rules::Rule;

pub const RULES: [&Rule; 41] = [
    &logon::LOGON_REMOVED,
    &logon::LOGON_FILE_REMOVED,
    &logon::LOGOFF_DROPPED,
    &logon::SHELL_PASSWORD_MASKED,
    &quit::EXIT_CODE,
    &quit::STATUS_EXIT,
    &quit::UNSUPPORTED_STATUS_EXIT,
    &if_block::IF_BLOCK,
    &if_block::ERRORCODE_SQLSTATE,
    &if_block::ERRORLEVEL_APPROXIMATION,
    &if_block::UNSUPPORTED_CONDITION,
    &if_block::STAR_ACTION,
    &goto::GOTO_LABEL,
    &goto::LABEL_RENAMED,
    &goto::GOTO_WITHOUT_LABEL,
    &settings::REPORT_SETTING,
    &settings::ERRORLEVEL_SEVERITY,
    &settings::SETTING_DROPPED,
    &settings::SETTING_NO_EQUIVALENT,
    &export::EXPORT_REPORT,
    &export::EXPORT_DATA,
    &import::IMPORT_USING,
    &passthrough::OS_COMMAND,
    &passthrough::HANG,
    &passthrough::REMARK,
    &passthrough::RUN_FILE,
    &comments::STAR_COMMENT,
    &passthrough::DATABASE_COMMAND,
    &unsupported::NO_EQUIVALENT,
    &unsupported::UNKNOWN_COMMAND,
    &requests::SEMICOLON_BEFORE_COMMENT,
    &requests::MISSING_FINAL_SEMICOLON,
    &requests::DOT_LINE_IN_REQUEST,
    &requests::UNTERMINATED_TEXT,
    &requests::UNTERMINATED_HEREDOC,
    &requests::SHELL_WITHOUT_BTEQ,
    &requests::BTEQ_WITHOUT_HEREDOC,
    &requests::BTEQ_OPTION,
    &requests::LINE_CONTINUATION,
    &requests::FRAMEWORK_JOB_TEXT,
    &unsupported::UTILITY_SCRIPT,
];

/// Where in the script a command stands, for rules that depend on it.
pub struct Position {
    /// No SQL request came before the command.
    pub before_any_sql: bool,
    /// The script has a `.LOGON` of its own.
    pub script_has_logon: bool,
}

/// Converts one dot-command (not the `.IF ... THEN` pairing, which the converter assembles).
pub fn convert_command(cx: &mut ConvertContext, cmd: &Command, at: &Position) -> Output {
    match &*cmd.name {
        "LOGON" | "LOGMECH" | "LOGDATA" => logon::logon(cx, cmd),
        "LOGOFF" => logon::logoff(cx, cmd),
        "QUIT" | "EXIT" => quit::quit(cx, cmd),
        "IF" | "ELSEIF" | "ELSE" | "ENDIF" => if_block::block(cx, cmd),
        "GOTO" => goto::goto(cx, cmd),
        "LABEL" => goto::label(cx, cmd),
        "SET" => settings::setting(cx, cmd),
        "SHOW" | "HELP" => Output::Lines(cx.action_item(
            settings::SETTING_DROPPED.code,
            Severity::Info,
            cmd.span,
            format!(".{} dropped: it only prints BTEQ's own settings", cmd.name),
        )),
        name if settings::SETTING_COMMANDS.contains(&name) => settings::setting(cx, cmd),
        "EXPORT" => export::export(cx, cmd),
        "IMPORT" | "REPEAT" | "PACK" => import::import_command(cx, cmd),
        "OS" => passthrough::os(cx, cmd),
        "HANG" => passthrough::hang(cx, cmd),
        "REMARK" => passthrough::remark(cx, cmd),
        "RUN" => logon::logon_include(cx, cmd, at.before_any_sql, at.script_has_logon)
            .unwrap_or_else(|| passthrough::run_file(cx, cmd)),
        "DATABASE" => passthrough::database(cx, cmd),
        _ => unsupported::command(cx, cmd),
    }
}
