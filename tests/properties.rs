//! Properties of the syntax layer and the converter on arbitrary input.

use std::path::Path;

use proptest::prelude::*;
use rsqlmig::convert::{self, Status, Target};
use rsqlmig::syntax::lexer::{Mode, tokenize};
use rsqlmig::syntax::script::{Dialect, Script};

/// Lines a BTEQ script is made of, including awkward ones.
const LINES: &[&str] = &[
    ".LOGON tdp/user,Secr3t!;",
    ".logon ${H}/${U},${P}",
    "LOGON ${LOGONDB};",
    ".LOGOFF",
    "QUIT 8;",
    ".QUIT 0",
    ".QUIT",
    ".QUIT ERRORCODE;",
    ".EXIT ERRORLEVEL",
    ".IF ERRORCODE <> 0 THEN .GOTO ERRORS",
    ".if activitycount = 0 then .goto ok;",
    ".IF ERRORCODE = 3807 THEN .GOTO NEXT1",
    ".label ok",
    ".LABEL NEXT1",
    ".LABEL ERRORS",
    ".IF ACTIVITYCOUNT = 0",
    ".ELSEIF ACTIVITYCOUNT > 5 THEN",
    ".ELSE",
    ".ENDIF",
    ".if errorcode <> 3807 then drop table w.t;",
    ".IF ERRORCODE <> 0 THEN CALL p('x',",
    " (SELECT 1));",
    ".SET WIDTH 200",
    ".SET ERRORLEVEL (3807, 2652) SEVERITY 0",
    ".SET SEPARATOR '|'",
    ".QUIET ON",
    ".EXPORT REPORT FILE=/tmp/x.txt",
    ".EXPORT DATA FILE=x.dat",
    ".EXPORT RESET",
    ".IMPORT VARTEXT FILE=k.txt",
    "USING (k CHAR(10))",
    ".REPEAT *",
    ".OS rm x",
    ".HANG 3",
    ".REMARK 'a//b'",
    ".RUN FILE=steps.btq",
    "**** banner ****",
    "/* block",
    "comment */",
    "-- note",
    "SELECT 'a;b', \"c\" FROM t; -- trailing",
    "SELECT 1;",
    "SELECT 2; SELECT 3;",
    "INSERT INTO t SELECT * FROM s WHERE x = 1",
    ";UPDATE t SET a = 1;",
    "DELETE FROM ${DB}.T ALL;",
    "WHERE a = 'it''s'",
    ".5 + 1",
    "",
    "   ",
    "\t.QUIT 4",
    "(",
    ")",
    ";",
    "'",
    "\"",
    "bteq <<EOF",
    "EOF",
    "\\if :ERROR <> 0",
    "\\exit 1",
    "\\endif",
];

fn script() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(0..LINES.len(), 0..40),
        prop::bool::ANY,
    )
        .prop_map(|(idx, crlf)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            idx.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join(nl)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tokens_and_instructions_tile_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for mode in [Mode::BteqSql, Mode::RsqlSql, Mode::CommandLine] {
            let joined: Vec<u8> = tokenize(&bytes, mode).iter().flat_map(|t| bytes[t.span.range()].to_vec()).collect();
            prop_assert_eq!(&joined, &bytes);
        }
        for dialect in [Dialect::Bteq, Dialect::Rsql] {
            let script = Script::parse_bytes(&bytes, dialect);
            let mut pos = 0usize;
            for instr in &script.instructions {
                prop_assert_eq!(instr.span.start as usize, pos);
                let toks = script.tokens_of(instr);
                prop_assert_eq!(toks.first().map(|t| t.span.start), Some(instr.span.start));
                prop_assert_eq!(toks.last().map(|t| t.span.end), Some(instr.span.end));
                pos = instr.span.end as usize;
            }
            prop_assert_eq!(pos, bytes.len());
        }
    }

    #[test]
    fn convert_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600), shell in prop::bool::ANY) {
        let name = if shell { "x.sh" } else { "x.btq" };
        let _ = convert::convert_file(Path::new(name), &bytes, Target::Rsql);
        let _ = convert::convert_file(Path::new(name), &bytes, Target::Framework);
    }

    #[test]
    fn scripts_are_lossless_and_conversion_is_stable(text in script()) {
        let script = Script::parse(&text, Dialect::Bteq);
        let rebuilt: String = script.tokens.iter().map(|t| t.span.text(&text)).collect();
        prop_assert_eq!(&rebuilt, &text);
        let once = convert::convert_file(Path::new("x.btq"), text.as_bytes(), Target::Rsql);
        if once.status == Status::Converted {
            let out = once.output.unwrap();
            prop_assert!(!out.contains("Secr3t"));
            let twice = convert::convert_file(Path::new("x.btq"), out.as_bytes(), Target::Rsql);
            prop_assert_eq!(twice.output.as_deref(), Some(out.as_str()));
        }
    }
}
