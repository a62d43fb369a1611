// Task.g4 — the grammar of the .task language (see docs/language.md).
//
// The generated parser is seen only by compiler/parse/, which turns its tree into
// our AST. Keep this file free of target-language actions and predicates so that
// the grammar stays readable and the generated code stays target-neutral.
grammar Task;

// ---------------------------------------------------------------------------
// Items

module_ : item* EOF ;

item
    : importItem
    | useItem
    | typeDecl
    | constDecl
    | semaphoreDecl
    | rateLimitDecl
    | sharedDecl
    | taskDecl
    | externTaskDecl
    | flowDecl
    ;

importItem    : IMPORT STRING ;
useItem       : USE STRING ;
typeDecl      : TYPE ID LBRACE (fieldDecl (COMMA fieldDecl)* COMMA?)? RBRACE ;
// `kind: str as "type"`: the field's key in JSON, when it differs from its name.
fieldDecl     : ID COLON type_ (AS STRING)? ;
constDecl     : CONST ID (COLON type_)? ASSIGN expr ;
semaphoreDecl : SEMAPHORE ID ASSIGN expr ;
// `ratelimit api = 10 per 1s`: a token bucket of 10, one more every 100ms.
rateLimitDecl : RATELIMIT ID ASSIGN count=expr PER period=expr ;
sharedDecl    : SHARED ID COLON type_ ASSIGN expr ;

taskDecl       : kind=(IO | CPU) TASK ID signature clause* block ;
externTaskDecl : EXTERN kind=(IO | CPU) TASK ID signature clause* ASSIGN STRING ;
flowDecl       : FLOW ID signature block ;

signature : LPAREN (param (COMMA param)* COMMA?)? RPAREN (ARROW type_)? ;
// A default makes a parameter of `main` an option (`--workers 8`).
param     : ID COLON type_ (ASSIGN expr)? ;

// Clause arguments are deliberately simple values: `timeout LIMIT {` must not be
// read as a record literal `LIMIT { … }`.
clause
    : USES usesTarget (COMMA usesTarget)*                      # usesClause
    | TIMEOUT clauseValue                                      # timeoutClause
    | RETRY clauseValue (BACKOFF clauseValue)? (ON ID (COMMA ID)*)? # retryClause
    | IN PROCESS                                               # inProcessClause
    | BLOCKING                                                 # blockingClause
    ;

clauseValue : INT | FLOAT | DURATION | ID | LPAREN expr RPAREN ;
// A semaphore (with the permits a call takes) or a rate limit.
usesTarget  : ID clauseValue? ;

// ---------------------------------------------------------------------------
// Types

type_
    : baseType QUESTION*
    ;

baseType
    : ID (LBRACK type_ (COMMA type_)* RBRACK)?                  # namedType
    | LPAREN type_ (COMMA type_)+ COMMA? RPAREN                 # tupleType
    ;

// ---------------------------------------------------------------------------
// Statements

block : LBRACE stmt* RBRACE ;

stmt
    : LET pattern (COLON type_)? ASSIGN expr (AFTER ID (COMMA ID)*)? # letStmt
    | expr op=(ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | STAR_ASSIGN | SLASH_ASSIGN | PERCENT_ASSIGN) expr # assignStmt
    | ifStmt                                                    # ifStatement
    | WHILE expr block                                          # whileStmt
    | FOR pattern IN expr block                                 # forStmt
    | BREAK                                                     # breakStmt
    | CONTINUE                                                  # continueStmt
    | RETURN expr?                                              # returnStmt
    | FAIL expr                                                 # failStmt
    | WITH ID block                                             # withStmt
    | TRY block catchClause+                                    # tryStmt
    | expr                                                      # exprStmt
    | SEMI                                                      # emptyStmt
    ;

ifStmt : IF expr block (ELSE (ifStmt | block) | elifClause)? ;
// Python's `elif`, accepted so that the checker can go on; the parser reports it.
elifClause : ELIF expr block (ELSE (ifStmt | block) | elifClause)? ;

// `catch Timeout, IoError { … }` filters by kind; `catch e { … }` binds any error.
// Which one a name is gets decided by the checker.
catchClause : CATCH (ID (COMMA ID)*)? block ;

// `x`, `(a, b)`, and nested: `(i, (word, n))`.
pattern
    : ID                                                        # namePattern
    | LPAREN pattern (COMMA pattern)+ COMMA? RPAREN             # tuplePattern
    ;

// ---------------------------------------------------------------------------
// Expressions, loosest binding last

expr
    : primary                                                   # primaryExpr
    | expr LPAREN args? RPAREN                                  # callExpr
    | expr DOT ID                                               # fieldExpr
    | expr DOT INT                                              # tupleFieldExpr
    | expr LBRACK expr RBRACK                                   # indexExpr
    | expr LBRACK from=expr? op=(DOTDOT | DOTDOTEQ) to=expr? RBRACK # sliceExpr
    | <assoc=right> expr STARSTAR expr                          # powerExpr
    | op=(MINUS | TILDE) expr                                   # negateExpr
    | expr op=(STAR | SLASH | PERCENT) expr                     # mulExpr
    | expr op=(PLUS | MINUS) expr                               # addExpr
    | expr op=(SHL | SHR) expr                                  # shiftExpr
    | expr AMP expr                                             # bitAndExpr
    | expr CARET expr                                           # bitXorExpr
    | expr PIPE expr                                            # bitOrExpr
    | expr op=(DOTDOT | DOTDOTEQ) expr                          # rangeExpr
    | expr op=(EQ | NE | LT | LE | GT | GE) expr                # compareExpr
    | expr NOT? IN expr                                         # memberExpr
    | op=(NOT | BANG) expr                                      # notExpr
    | expr op=(AND | AMPAMP) expr                               # andExpr
    | expr op=(OR | PIPEPIPE) expr                              # orExpr
    | <assoc=right> expr IF expr ELSE expr                      # conditionalExpr
    | expr TIMEOUT expr (ELSE expr)?                            # timeoutExpr
    | TRY expr ELSE expr                                        # tryElseExpr
    | pattern FATARROW expr                                     # keyFunctionExpr
    ;

args : expr (COMMA expr)* COMMA? ;

// The entry point for the `{…}` interpolations inside strings.
interpolation : expr EOF ;

primary
    : INT                                                       # intLit
    | FLOAT                                                     # floatLit
    | DURATION                                                  # durationLit
    | (STRING | LONG_STRING)                                    # stringLit
    | (RAW_STRING | RAW_LONG_STRING)                            # rawStringLit
    | TRUE                                                      # trueLit
    | FALSE                                                     # falseLit
    | NONE                                                      # noneLit
    | ID LBRACK type_ RBRACK LPAREN args? RPAREN                # genericCall
    | ID LBRACE (fieldInit (COMMA fieldInit)* COMMA?)? RBRACE   # recordLit
    | ID                                                        # nameRef
    | LBRACK args? RBRACK                                       # listLit
    | LBRACE (mapEntry (COMMA mapEntry)* COMMA?)? RBRACE        # mapLit
    | LPAREN expr COMMA (expr (COMMA expr)*)? COMMA? RPAREN     # tupleLit
    | LPAREN expr RPAREN                                        # parenExpr
    | GATHER SETTLE? LPAREN args RPAREN                         # gatherTuple
    // `… as completed`: only as the iterable of a `for` (results as they come).
    | GATHER SETTLE? ID LPAREN args? RPAREN FOR pattern IN expr (LIMIT expr)? (AS ID)? # gatherEach
    | RACE LPAREN args RPAREN                                   # raceExpr
    | RACE ID LPAREN args? RPAREN FOR pattern IN expr (LIMIT expr)? # raceEach
    ;

fieldInit : ID COLON expr ;
mapEntry  : expr COLON expr ;

// ---------------------------------------------------------------------------
// Lexer

TASK: 'task'; IO: 'io'; CPU: 'cpu'; FLOW: 'flow'; EXTERN: 'extern'; IMPORT: 'import';
USE: 'use'; TYPE: 'type'; SEMAPHORE: 'semaphore'; RATELIMIT: 'ratelimit'; PER: 'per'; SHARED: 'shared'; CONST: 'const';
LET: 'let'; IF: 'if'; ELSE: 'else'; WHILE: 'while'; FOR: 'for'; IN: 'in';
RETURN: 'return'; BREAK: 'break'; CONTINUE: 'continue'; FAIL: 'fail'; GATHER: 'gather';
RACE: 'race'; TIMEOUT: 'timeout'; RETRY: 'retry'; BACKOFF: 'backoff'; ON: 'on';
USES: 'uses'; WITH: 'with'; TRY: 'try'; CATCH: 'catch'; SETTLE: 'settle'; LIMIT: 'limit';
PROCESS: 'process'; BLOCKING: 'blocking'; AFTER: 'after'; AND: 'and'; OR: 'or';
NOT: 'not'; TRUE: 'true'; FALSE: 'false'; NONE: 'none'; AS: 'as';
// Not part of the language: lexed so that a Python habit gets a message that
// names the `.task` way (`elif` is `else if`).
ELIF: 'elif';

ARROW: '->'; FATARROW: '=>'; DOTDOTEQ: '..='; DOTDOT: '..'; DOT: '.';
EQ: '=='; NE: '!='; LE: '<='; GE: '>='; LT: '<'; GT: '>';
PLUS_ASSIGN: '+='; MINUS_ASSIGN: '-='; STAR_ASSIGN: '*='; SLASH_ASSIGN: '/=';
PERCENT_ASSIGN: '%='; ASSIGN: '=';
STARSTAR: '**'; SHL: '<<'; SHR: '>>';
PLUS: '+'; MINUS: '-'; STAR: '*'; SLASH: '/'; PERCENT: '%';
AMP: '&'; PIPE: '|'; CARET: '^'; TILDE: '~';
// C's spellings of `and`, `or` and `not`: lexed to be reported by name.
AMPAMP: '&&'; PIPEPIPE: '||'; BANG: '!';
LPAREN: '('; RPAREN: ')'; LBRACK: '['; RBRACK: ']'; LBRACE: '{'; RBRACE: '}';
COMMA: ','; COLON: ':'; SEMI: ';'; QUESTION: '?';

// A duration is a number glued to its unit; it must come before INT and FLOAT so
// that the longest match `10ms` wins over `10` followed by the name `ms`.
DURATION : DIGITS ('.' DIGITS)? ('ns' | 'us' | 'ms' | 's' | 'm' | 'h') ;
FLOAT    : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT      : '0' [xX] [0-9a-fA-F_]+ | DIGITS ;

// A string keeps its `{expr}` interpolations inside one token, nested strings and
// braces included; compiler/parse/ splits it and parses each interpolation.
STRING : '"' (STRING_ESCAPE | INTERPOLATION | ~["\\{\r\n])* '"' ;

// r"…": every character as written, no escapes and no interpolation, for
// regular expressions (r"\d{4}"). As in Python, a backslash keeps the next
// character in the string, so r"\"" holds `\"` (a regular expression's quote).
RAW_STRING : 'r"' ('\\' ~[\r\n] | ~["\\\r\n])* '"' ;

// """…""" and r"""…""": the same, over as many lines as they need (a page
// of HTML, a JSON document, a usage text), as Python's; every line break in
// them is a `\n`, and a quote or two need no backslash. An interpolation
// stays on one line.
LONG_STRING     : '"""' (STRING_ESCAPE | INTERPOLATION | ~[\\{])*? '"""' ;
RAW_LONG_STRING : 'r"""' ('\\' . | ~[\\])*? '"""' ;

ID : [A-Za-z_] [A-Za-z0-9_]* ;

// Line comments stay in the token stream, off the parser's channel: a `//`
// right after an operand may be Python's floor division (see parse/).
LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n]+ -> skip ;

// Anything else becomes one token the parser rejects with a clear message, so
// the lexer itself never reports errors.
UNTERMINATED_STRING : '"' (STRING_ESCAPE | INTERPOLATION | ~["\\{\r\n])* ;
UNKNOWN_CHAR : . ;

fragment DIGITS        : [0-9] [0-9_]* ;
fragment EXPONENT      : [eE] [+-]? DIGITS ;
fragment STRING_ESCAPE : '\\' . ;
fragment INTERPOLATION : '{' (NESTED_STRING | INTERPOLATION | ~["{}\r\n])* '}' ;
fragment NESTED_STRING : '"' (STRING_ESCAPE | INTERPOLATION | ~["\\{\r\n])* '"' ;
