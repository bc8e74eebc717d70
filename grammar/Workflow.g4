// The wfc workflow DSL (.wf files). C++ is generated from this file into the build tree at build
// time by Debian's antlr4 (4.7.2); nothing generated is committed. The reader
// (compiler/syntax/dsl/dsl_reader.cpp) lowers the parse tree to the same located Value tree the
// JSON reader gives, so every later phase sees one document whatever the syntax. grammar/README.md
// describes the language and its exact mapping to JSON.
//
// Newlines are not significant: tasks written one after another (on separate lines, or separated
// by ';') are parallel siblings; `->` chains a task's `next`.
grammar Workflow;

// ---- documents ------------------------------------------------------------------------------

file
    : (automation | run | taskDocument | body) EOF
    ;

// {"id", "name", "description", "status", "metadata", "webhook_url", "workflow"}
// An id that is no name (JSON allows "process-uploads") is a string, and then the title follows.
automation
    : AUTOMATION (id=name title=STRING? | idText=STRING title=STRING | title=STRING)?
      LBRACE body RBRACE
    ;

// {"tasks", "metadata", "webhook_url"}
run
    : RUN LBRACE body RBRACE
    ;

// The single-task shape {"kind", "options", "url" | "input", "metadata", ...}: fields in braces.
taskDocument
    : TASK call attribute* (LBRACE body RBRACE)?
    ;

// Fields and tasks in any order; sibling tasks run in parallel.
body
    : (field | chain | SEMI)*
    ;

// Document fields; where each may appear is the reader's business (it says so precisely).
field
    : key=(DESCRIPTION | STATUS | METADATA | WEBHOOK_URL | URL | INPUT) value
    ;

// ---- tasks ----------------------------------------------------------------------------------

// a -> b -> c: b is a's only `next`, c is b's. Only the last step may carry a block.
chain
    : step (ARROW step)*
    ;

step
    : call attribute* block?                    # taskStep
    | WHEN condition attribute* block           # whenStep
    ;

// video(width: 1280, format: "mp4")
call
    : kind=IDENT args?
    ;

args
    : LPAREN (option (COMMA option)* COMMA?)? RPAREN
    ;

option
    : key=name COLON value
    ;

// as hd  → "ref": "hd" (a ref with '-', which JSON allows, is written as a string: as "a-b");
// label/folder/filename "..." → the task fields of the same name
attribute
    : AS (name | STRING)                        # refAttribute
    | key=(LABEL | FOLDER | FILENAME) STRING    # textAttribute
    ;

// The tasks in `next`, run in parallel.
block
    : LBRACE body RBRACE
    ;

// The infix condition language (compiler/expr/parser.h) as written: its text is handed to the
// expression parser, so `when` and the `select` option share one parser.
condition
    : conditionToken*      // empty: the reader says a condition is missing
    ;

// After '.', a keyword is a field name (exists(metadata.label)), not the start of an attribute.
conditionToken
    : ~(LBRACE | RBRACE | SEMI | ARROW | AS | LABEL | FOLDER | FILENAME | DOT)
    | DOT (AS | LABEL | FOLDER | FILENAME)?
    ;

// ---- values ---------------------------------------------------------------------------------

value
    : STRING                                    # stringValue
    | NUMBER                                    # numberValue
    | QUANTITY                                  # quantityValue   // 2s 500ms 10MB 5Mbps
    | PERCENT                                   # percentValue    // 50% → "50%"
    | MALFORMED_NUMBER                          # malformedValue  // 12x80 1.2.3: reported
    | (TRUE | FALSE)                            # boolValue
    | NULL_LITERAL                              # nullValue
    | LBRACK (value (COMMA value)* COMMA?)? RBRACK     # listValue
    | object                                    # objectValue
    | name                                      # wordValue       // mp4 → "mp4"
    ;

object
    : LBRACE (member (COMMA member)* COMMA?)? RBRACE
    ;

member
    : (name | STRING) COLON value
    ;

// Keywords are reserved only where a keyword can start something; as option and object keys,
// and as bare-word values, they are plain names.
name
    : IDENT | AUTOMATION | RUN | TASK | WHEN | AS | LABEL | FOLDER | FILENAME
    | DESCRIPTION | STATUS | METADATA | WEBHOOK_URL | URL | INPUT
    ;

// ---- tokens ---------------------------------------------------------------------------------

AUTOMATION  : 'automation';
RUN         : 'run';
TASK        : 'task';
WHEN        : 'when';
AS          : 'as';
LABEL       : 'label';
FOLDER      : 'folder';
FILENAME    : 'filename';
DESCRIPTION : 'description';
STATUS      : 'status';
METADATA    : 'metadata';
WEBHOOK_URL : 'webhook_url';
URL         : 'url';
INPUT       : 'input';
TRUE        : 'true';
FALSE       : 'false';
NULL_LITERAL : 'null';

ARROW  : '->';
LPAREN : '(';
RPAREN : ')';
LBRACE : '{';
RBRACE : '}';
LBRACK : '[';
RBRACK : ']';
COLON  : ':';
COMMA  : ',';
SEMI   : ';';
DOT    : '.';
// Condition operators (only meaningful after `when`).
EQ  : '==';
NE  : '!=';
GE  : '>=';
LE  : '<=';
GT  : '>';
LT  : '<';
AND : '&&';
OR  : '||';
NOT : '!';

PERCENT  : '-'? DIGITS FRACTION? '%';
QUANTITY : '-'? DIGITS FRACTION? [a-zA-Z]+;
NUMBER   : '-'? DIGITS FRACTION? EXPONENT?;
// A number run on into more letters, digits, '_' or '.' than the three rules above take
// (1280x720, 1.2.3, 0123, 1h30m): one token, so that the reader reports the mistake once, at the
// whole of it, rather than the number and then an unexpected remainder. The longest match decides,
// so every well-formed literal is still one of the rules above.
MALFORMED_NUMBER : '-'? [0-9] [a-zA-Z0-9_.]*;
IDENT    : [a-zA-Z_] [a-zA-Z0-9_]*;
// JSON's strings: the same escapes, no raw line breaks. The closing quote is optional here so
// that a string missing it (up to the end of the line) is one mistake the reader reports, and
// parsing goes on as if it were there.
STRING   : '"' (ESCAPE | ~["\\\r\n])* '"'?;

LINE_COMMENT  : ('//' | '#') ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n\u000C]+ -> skip;
// Anything else is one token the reader reports ("unexpected character '@'"), so the lexer
// itself never reports an error; it is on its own channel, so the parser reads on past it.
ERROR_CHAR    : . -> channel(2);

fragment DIGITS   : '0' | [1-9] [0-9]*;
fragment FRACTION : '.' [0-9]+;
fragment EXPONENT : [eE] [+-]? [0-9]+;
fragment ESCAPE   : '\\' ~[\r\n];
fragment HEX      : [0-9a-fA-F];
