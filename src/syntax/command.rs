//! Typed arguments of BTEQ dot-commands, parsed with nom from the command's text.
//!
//! The lossless layer keeps a command as tokens; this module reads what the arguments mean
//! (`.IF` conditions, exit codes, file specifications) for the conversion rules.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, tag_no_case, take_till1, take_while1},
    character::complete::{char, digit1, multispace0, multispace1},
    combinator::{all_consuming, map, map_res, opt, recognize, value},
    multi::separated_list1,
    sequence::{delimited, preceded},
};

/// A BTEQ status value that `.IF` tests and `.QUIT` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusVar {
    ErrorCode,
    ErrorLevel,
    ActivityCount,
    /// WARNINGCODE, BTEQRETURNCODE, SYSTEMRETURNCODE, INSERTCOUNT, …: no RSQL counterpart.
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator as RSQL's `\if` writes it (`!=`, `^=`, `~=` all become `<>`).
    pub fn rsql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn negate(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Compare {
        var: StatusVar,
        op: CmpOp,
        value: u64,
    },
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

/// The argument of `.QUIT` / `.EXIT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitArg {
    /// No argument: BTEQ exits with the highest severity seen (ERRORLEVEL).
    Default,
    Code(u64),
    Status(StatusVar),
}

/// Strips a trailing `;` and blanks from command arguments.
pub fn trim_args(args: &str) -> &str {
    args.trim().trim_end_matches(';').trim_end()
}

fn status_var(i: &str) -> IResult<&str, StatusVar> {
    map(
        take_while1(|c: char| c.is_ascii_alphabetic()),
        |w: &str| match w.to_ascii_uppercase().as_str() {
            "ERRORCODE" => StatusVar::ErrorCode,
            "ERRORLEVEL" => StatusVar::ErrorLevel,
            "ACTIVITYCOUNT" | "ACTIVITYCO" => StatusVar::ActivityCount,
            other => StatusVar::Other(other.to_string()),
        },
    )
    .parse(i)
}

fn cmp_op(i: &str) -> IResult<&str, CmpOp> {
    alt((
        value(CmpOp::Ne, alt((tag("<>"), tag("!="), tag("^="), tag("~=")))),
        value(CmpOp::Le, tag("<=")),
        value(CmpOp::Ge, tag(">=")),
        value(CmpOp::Lt, tag("<")),
        value(CmpOp::Gt, tag(">")),
        value(CmpOp::Eq, tag("=")),
    ))
    .parse(i)
}

fn number(i: &str) -> IResult<&str, u64> {
    map_res(digit1, str::parse).parse(i)
}

fn ws<'a, O>(
    inner: impl Parser<&'a str, Output = O, Error = nom::error::Error<&'a str>>,
) -> impl Parser<&'a str, Output = O, Error = nom::error::Error<&'a str>> {
    delimited(multispace0, inner, multispace0)
}

fn compare(i: &str) -> IResult<&str, Condition> {
    map(
        (ws(status_var), ws(cmp_op), ws(number)),
        |(var, op, value)| Condition::Compare { var, op, value },
    )
    .parse(i)
}

fn primary(i: &str) -> IResult<&str, Condition> {
    alt((
        map(preceded(ws(tag_no_case("NOT")), primary), |c| {
            Condition::Not(Box::new(c))
        }),
        delimited(ws(char('(')), condition, ws(char(')'))),
        compare,
    ))
    .parse(i)
}

fn and_chain(i: &str) -> IResult<&str, Condition> {
    map(separated_list1(ws(keyword("AND")), primary), |mut v| {
        if v.len() == 1 {
            v.remove(0)
        } else {
            Condition::And(v)
        }
    })
    .parse(i)
}

fn condition(i: &str) -> IResult<&str, Condition> {
    map(separated_list1(ws(keyword("OR")), and_chain), |mut v| {
        if v.len() == 1 {
            v.remove(0)
        } else {
            Condition::Or(v)
        }
    })
    .parse(i)
}

/// A keyword that is a whole word (`AND` but not the start of `ANDY`).
fn keyword<'a>(
    word: &'static str,
) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    move |i: &'a str| {
        let (rest, kw) = tag_no_case(word).parse(i)?;
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            return Err(nom::Err::Error(nom::error::Error::new(
                i,
                nom::error::ErrorKind::Tag,
            )));
        }
        Ok((rest, kw))
    }
}

/// More parentheses than this in one `.IF` condition are refused.
const MAX_CONDITION_NESTING: usize = 64;

/// Parses the condition of `.IF <cond> THEN` / `.ELSEIF <cond> [THEN]` (without `THEN`).
pub fn parse_condition(text: &str) -> Option<Condition> {
    // The grammar recurses on parentheses; BTEQ conditions nest a level or two, so deeper text
    // is refused rather than risking the stack.
    if text.bytes().filter(|&b| b == b'(').count() > MAX_CONDITION_NESTING {
        return None;
    }
    all_consuming(ws(condition))
        .parse(text)
        .ok()
        .map(|(_, c)| c)
}

/// Splits `.IF` / `.ELSEIF` arguments into the condition text and whether `THEN` was present.
pub fn split_then(args: &str) -> (&str, bool) {
    let upper = args.to_ascii_uppercase();
    let mut search = 0;
    while let Some(i) = upper[search..].find("THEN") {
        let at = search + i;
        let before_ok = at == 0 || !upper.as_bytes()[at - 1].is_ascii_alphanumeric();
        let after = at + 4;
        let after_ok = after >= upper.len() || !upper.as_bytes()[after].is_ascii_alphanumeric();
        if before_ok && after_ok {
            return (&args[..at], true);
        }
        search = at + 4;
    }
    (args, false)
}

/// Parses the argument of `.QUIT` / `.EXIT`.
pub fn parse_exit_arg(args: &str) -> Option<ExitArg> {
    let args = trim_args(args);
    if args.is_empty() {
        return Some(ExitArg::Default);
    }
    all_consuming(alt((
        map(number, ExitArg::Code),
        map(status_var, ExitArg::Status),
    )))
    .parse(args)
    .ok()
    .map(|(_, a)| a)
}

/// A file named by `.RUN`, `.EXPORT` or `.IMPORT`: `FILE=x`, `FILE = x`, `FILE x`, `file='x'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpec<'a> {
    /// The file name as written, quotes included.
    pub name: &'a str,
    /// Options after the name (`SKIP=2`, `LIMIT=10`, `OPEN`, `CLOSE`), upper-cased keys.
    pub options: Vec<(String, Option<&'a str>)>,
}

fn quoted(i: &str) -> IResult<&str, &str> {
    alt((
        recognize((char('\''), opt(take_till1(|c| c == '\'')), char('\''))),
        recognize((char('"'), opt(take_till1(|c| c == '"')), char('"'))),
    ))
    .parse(i)
}

fn file_name(i: &str) -> IResult<&str, &str> {
    alt((quoted, unquoted_name)).parse(i)
}

/// An unquoted name ends at a blank, a comma (`FILE=$F,open`) or a `;`, except inside a shell
/// `$( … )` or quotes (`z_$(date +'%Y%m%d').csv`).
fn unquoted_name(i: &str) -> IResult<&str, &str> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut end = i.len();
    let mut chars = i.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') if depth > 0 => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(|(_, n)| *n == '(') => {
                chars.next();
                depth += 1;
            }
            (None, '(') if depth > 0 => depth += 1,
            (None, ')') if depth > 0 => depth -= 1,
            (None, c) if depth == 0 && (c.is_whitespace() || c == ',' || c == ';') => {
                end = at;
                break;
            }
            _ => {}
        }
    }
    if end == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::TakeTill1,
        )));
    }
    Ok((&i[end..], &i[..end]))
}

fn file_keyword(i: &str) -> IResult<&str, ()> {
    value(
        (),
        (
            keyword("FILE"),
            alt((recognize(ws(char('='))), multispace1)),
        ),
    )
    .parse(i)
}

fn option(i: &str) -> IResult<&str, (String, Option<&str>)> {
    let (i, key) = take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_').parse(i)?;
    let (i, val) = opt(preceded(ws(char('=')), file_name)).parse(i)?;
    Ok((i, (key.to_ascii_uppercase(), val)))
}

fn options(i: &str) -> IResult<&str, Vec<(String, Option<&str>)>> {
    let mut out = Vec::new();
    let mut rest = i;
    loop {
        let (r, _) = multispace0.parse(rest)?;
        let (r, _) = opt(ws(char(','))).parse(r)?;
        if r.is_empty() {
            return Ok((r, out));
        }
        let (r, o) = option(r)?;
        out.push(o);
        rest = r;
    }
}

/// Parses `FILE=name [options]` (what follows the mode keyword of `.EXPORT`/`.IMPORT`, or `.RUN`'s arguments).
pub fn parse_file_spec(args: &str) -> Option<FileSpec<'_>> {
    let args = trim_args(args);
    let (rest, (_, name)) = (ws(file_keyword), file_name).parse(args).ok()?;
    let (_, options) = all_consuming(options).parse(rest).ok()?;
    Some(FileSpec { name, options })
}

/// `.SET ERRORLEVEL` codes: `3807`, `(3807, 2652)` or `UNKNOWN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCodes {
    List(Vec<u64>),
    Unknown,
}

/// Parses `ERRORLEVEL`'s arguments after the keyword: `<codes> SEVERITY <n>`.
pub fn parse_errorlevel(args: &str) -> Option<(ErrorCodes, u64)> {
    let codes = alt((
        map(number, |n| ErrorCodes::List(vec![n])),
        map(
            delimited(
                ws(char('(')),
                separated_list1(ws(char(',')), number),
                ws(char(')')),
            ),
            ErrorCodes::List,
        ),
        value(ErrorCodes::Unknown, keyword("UNKNOWN")),
    ));
    all_consuming((ws(codes), preceded(ws(keyword("SEVERITY")), ws(number))))
        .parse(trim_args(args))
        .ok()
        .map(|(_, r)| r)
}

/// Byte range of the password inside `.LOGON` arguments (`tdpid/user,password[,'acct']`),
/// relative to `args`. `None` when there is no password.
pub fn logon_password(args: &str) -> Option<std::ops::Range<usize>> {
    let start = args.find(',')? + 1;
    let rest = &args[start..];
    let lead = rest.len() - rest.trim_start().len();
    // The password ends at the account separator, the command's `;` or a blank outside a
    // `${…}` expansion, which the shell and the lexer read whole (`${P:-a b}`; found by fuzzing:
    // `,${' }` cut after `'` left the rest of the expansion as an open string once masked).
    let password = &rest[lead..];
    let mut len = 0;
    while let Some(c) = password[len..].chars().next() {
        if c == ',' || c == ';' || c.is_whitespace() {
            break;
        }
        let expansion = password[len..]
            .strip_prefix("${")
            .and_then(|inner| inner.find('}'));
        len += expansion.map_or(c.len_utf8(), |close| close + 3);
    }
    (len > 0).then(|| start + lead..start + lead + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(var: StatusVar, op: CmpOp, value: u64) -> Condition {
        Condition::Compare { var, op, value }
    }

    #[test]
    fn conditions_in_every_spelling() {
        assert_eq!(
            parse_condition("ERRORCODE <> 0 "),
            Some(cmp(StatusVar::ErrorCode, CmpOp::Ne, 0))
        );
        assert_eq!(
            parse_condition("Errorcode  != 0"),
            Some(cmp(StatusVar::ErrorCode, CmpOp::Ne, 0))
        );
        assert_eq!(
            parse_condition("ERRORCODE<>0"),
            Some(cmp(StatusVar::ErrorCode, CmpOp::Ne, 0))
        );
        assert_eq!(
            parse_condition("activitycount >= 10"),
            Some(cmp(StatusVar::ActivityCount, CmpOp::Ge, 10))
        );
        assert_eq!(
            parse_condition("(ERRORCODE <> 0) OR (ACTIVITYCOUNT = 0)"),
            Some(Condition::Or(vec![
                cmp(StatusVar::ErrorCode, CmpOp::Ne, 0),
                cmp(StatusVar::ActivityCount, CmpOp::Eq, 0)
            ]))
        );
        assert_eq!(
            parse_condition("NOT (ERRORLEVEL ~= 4)"),
            Some(Condition::Not(Box::new(cmp(
                StatusVar::ErrorLevel,
                CmpOp::Ne,
                4
            ))))
        );
        assert_eq!(parse_condition("$FLAG <> 'Y'"), None);
    }

    #[test]
    fn then_is_found_as_a_word() {
        assert_eq!(
            split_then("ERRORCODE <> 0 THEN "),
            ("ERRORCODE <> 0 ", true)
        );
        assert_eq!(
            split_then("ACTIVITYCOUNT = 0"),
            ("ACTIVITYCOUNT = 0", false)
        );
    }

    #[test]
    fn exit_arguments() {
        assert_eq!(parse_exit_arg(" 8;"), Some(ExitArg::Code(8)));
        assert_eq!(parse_exit_arg(""), Some(ExitArg::Default));
        assert_eq!(parse_exit_arg(";"), Some(ExitArg::Default));
        assert_eq!(
            parse_exit_arg("errorlevel;"),
            Some(ExitArg::Status(StatusVar::ErrorLevel))
        );
        assert_eq!(parse_exit_arg("8 9"), None);
    }

    #[test]
    fn file_specs() {
        let spec = parse_file_spec("FILE=/data/x.txt;").unwrap();
        assert_eq!(spec.name, "/data/x.txt");
        let spec = parse_file_spec("file $LOGON/${LOGON_ID};").unwrap();
        assert_eq!(spec.name, "$LOGON/${LOGON_ID}");
        let spec = parse_file_spec("FILE = E:\\dir\\logon.txt;").unwrap();
        assert_eq!(spec.name, "E:\\dir\\logon.txt");
        let spec = parse_file_spec("FILE='{home}/vault/logon prod.sql' SKIP=2").unwrap();
        assert_eq!(spec.name, "'{home}/vault/logon prod.sql'");
        assert_eq!(spec.options, vec![("SKIP".to_string(), Some("2"))]);
        let spec = parse_file_spec("file = ${OUT}/z_$(date +'%Y%m%d').csv;").unwrap();
        assert_eq!(spec.name, "${OUT}/z_$(date +'%Y%m%d').csv");
        let spec = parse_file_spec("FILE=$F,open").unwrap();
        assert_eq!(spec.options, vec![("OPEN".to_string(), None)]);
        assert!(parse_file_spec("REPORT").is_none());
    }

    #[test]
    fn errorlevel_settings() {
        assert_eq!(
            parse_errorlevel("(3807,2652) severity 0"),
            Some((ErrorCodes::List(vec![3807, 2652]), 0))
        );
        assert_eq!(
            parse_errorlevel("UNKNOWN SEVERITY 8;"),
            Some((ErrorCodes::Unknown, 8))
        );
    }

    #[test]
    fn logon_password_range() {
        let args = "tdp/etl_user,Secr3t!;";
        let r = logon_password(args).unwrap();
        assert_eq!(&args[r], "Secr3t!");
        let args = "${H}/${U}, ${P},'acct'";
        assert_eq!(&args[logon_password(args).unwrap()], "${P}");
        assert_eq!(logon_password("tdp/user;"), None);
        let args = "tdp/u,pw; .SET X 1";
        assert_eq!(&args[logon_password(args).unwrap()], "pw");
        // An expansion is read whole, blanks and quotes included.
        let args = "${H}/${U},${P:-a b};";
        assert_eq!(&args[logon_password(args).unwrap()], "${P:-a b}");
        assert_eq!(&",${' }"[logon_password(",${' }").unwrap()], "${' }");
        assert_eq!(&",${p x"[logon_password(",${p x").unwrap()], "${p");
    }
}
