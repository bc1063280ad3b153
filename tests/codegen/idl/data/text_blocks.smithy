$version: "2.0"

namespace example.text

@documentation("""
    Incidental indentation is removed,
      relative indentation is kept.
    """)
string Indented

@documentation("""
    Closing delimiter on the last text line.""")
string ClosingInline

@documentation("""
        Less indented closing delimiter keeps
        the lines' extra spaces.
    """)
string ClosingLeft

@documentation("""
    Escapes: \"quoted\", tab\tend, \u00e9, line \
    continued. Trailing spaces are dropped.   

    Blank line above.
    """)
string Escapes

@documentation("Quoted \"string\" with \\ and \n newline, \uD83D\uDE00.")
string Quoted
