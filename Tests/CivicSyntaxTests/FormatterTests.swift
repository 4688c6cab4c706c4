import Testing
import CivicSyntax

// Unit tests of `civic fmt` (SourceFormatter): each statement and expression
// kind, comments, blank lines, indentation. Every case is also formatted a
// second time, which must change nothing.

// MARK: - Helpers

/// `text` formatted; records an issue if it cannot be, or if formatting the
/// result again changes it.
private func fmt(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    switch SourceFormatter.format(text: text) {
    case .failure(let list):
        Issue.record("not formatted: \(list.diagnostics.map(\.message))", sourceLocation: sourceLocation)
        return ""
    case .success(let once):
        let twice = SourceFormatter.format(text: once)
        #expect((try? twice.get()) == once, "formatting twice changed it:\n\(once)", sourceLocation: sourceLocation)
        return once
    }
}

/// Checks that `text` formats to `expected`.
private func check(_ text: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(fmt(text, sourceLocation: sourceLocation) == expected, sourceLocation: sourceLocation)
}

/// Checks that `text` is already formatted.
private func unchanged(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(fmt(text, sourceLocation: sourceLocation) == text, sourceLocation: sourceLocation)
}

// MARK: - Core statements

@Test func bindingsAndAssignments() {
    check("let   x=1\nvar y =2\ny=  y+x\n", "let x = 1\nvar y = 2\ny = y + x\n")
    check("xs [0]=1\nr . name =\"a\"\n", "xs[0] = 1\nr.name = \"a\"\n")
}

@Test func ifElse() {
    check("if x>1{print 1}else if x<0{print 2}else{print 3}\n",
          "if x > 1 { print 1 } else if x < 0 { print 2 } else { print 3 }\n")
    check("if ok {\nprint 1\n}\nelse {\nprint 2\n}\n", "if ok {\n  print 1\n} else {\n  print 2\n}\n")
    // A blank line between '}' and 'else' goes too.
    check("if ok {\n  print 1\n}\n\nelse { print 2 }\n", "if ok {\n  print 1\n} else { print 2 }\n")
}

@Test func elseLadderAfterOneLineBlocksIsKept() {
    unchanged("""
    if s >= 90 { return "A" }
    else if s >= 80 { return "B" }
    else { return "F" }

    """)
}

@Test func elseAfterACommentStaysOnItsLine() {
    unchanged("""
    if x > 5 {
      print "big"
    }
    # the other case:
    else {
      print "small"
    }

    """)
    unchanged("if x > 5 {\n  print \"big\"\n}  # big\nelse {\n  print \"small\"\n}\n")
}

@Test func loops() {
    check("for i in 1 .. 3{print i}\n", "for i in 1..3 { print i }\n")
    check("while n<3 {\nn=n+1\nif n==2 { break }\ncontinue\n}\n",
          "while n < 3 {\n  n = n + 1\n  if n == 2 { break }\n  continue\n}\n")
}

@Test func functions() {
    check("fn f( a , b ) = a+b\n", "fn f(a, b) = a + b\n")
    check("fn g(x){\nreturn x*2\n}\nfn h() {\nreturn\n}\n", "fn g(x) {\n  return x * 2\n}\nfn h() {\n  return\n}\n")
    check("fn long(a,\n        b) = a - b\n", "fn long(a,\n  b) = a - b\n")
}

@Test func printAndShow() {
    check("print\nprint 1 ,2,3\nshow xs where a>1\n", "print\nprint 1, 2, 3\nshow xs where a > 1\n")
}

// MARK: - Expressions

@Test func operators() {
    check("let a = 1+2*3-4/5 mod 6\n", "let a = 1 + 2 * 3 - 4 / 5 mod 6\n")
    check("let b = x==1 and y!=2 or not z<=3\n", "let b = x == 1 and y != 2 or not z <= 3\n")
    check("let c = 3 in xs\nlet d = a>=b\nlet e = a>b\nlet f = a<b\n",
          "let c = 3 in xs\nlet d = a >= b\nlet e = a > b\nlet f = a < b\n")
}

@Test func negationAndSubtraction() {
    check("let a = - x\nlet b = x -1\nlet c = x- -1\nlet d = (-x)\nlet e = [-1, - 2]\n",
          "let a = -x\nlet b = x - 1\nlet c = x - -1\nlet d = (-x)\nlet e = [-1, -2]\n")
    // After a word that ends a statement's part, '-' negates.
    check("award -5 points to - x for \"r\"\ncap - 1 per month\n",
          "award -5 points to -x for \"r\"\ncap -1 per month\n")
    // A line that starts with '-' is a statement of its own.
    check("let x = 1\n  - 2\n", "let x = 1\n-2\n")
}

@Test func literals() {
    unchanged("let a = [1_000, 70%, 2026-11-28, 2026-11-28T09:30, 2 hours, 1.5 days, true, false, none]\n")
    check("let t = \"a {x+1} {{b}}\"\n", "let t = \"a {x+1} {{b}}\"\n")
    unchanged("let t = \"say \\\"hi\\\" # not a comment\"\n")
}

@Test func membersCallsAndIndexes() {
    check("let a = r . name\nlet b = len( xs )\nlet c = xs [ 0 ]\nlet d = f(x) [1]\nlet e = \"abc\" [0]\n",
          "let a = r.name\nlet b = len(xs)\nlet c = xs[0]\nlet d = f(x)[1]\nlet e = \"abc\"[0]\n")
    check("let o = r.order\nlet f = (r).name\n", "let o = r.order\nlet f = (r).name\n")
}

@Test func listsAndRecords() {
    check("let a = [ 1,2 ,3, ]\nlet b = {a:1,b:{}}\nlet c = []\nprint keys({})\n",
          "let a = [1, 2, 3,]\nlet b = { a: 1, b: {} }\nlet c = []\nprint keys({})\n")
    check("let r = {\nname: \"张三\"\n  age: 72,\n}\n", "let r = {\n  name: \"张三\"\n  age: 72,\n}\n")
}

@Test func constructorsAddOverdueWorkload() {
    check("let r = add Resident{id:\"R1\"}\nlet p = Resident{ id: \"R2\" }\nshow overdue HazardReport\nshow workload Household\n",
          "let r = add Resident { id: \"R1\" }\nlet p = Resident { id: \"R2\" }\nshow overdue HazardReport\nshow workload Household\n")
}

@Test func aggregates() {
    check("print count Resident, sum members of Household where compound==\"欣园\"\n",
          "print count Resident, sum members of Household where compound == \"欣园\"\n")
    check("print average age of xs, min age of xs, max age of xs, exists xs, first xs\n",
          "print average age of xs, min age of xs, max age of xs, exists xs, first xs\n")
}

@Test func aggregateWordBeforeBracketKeepsItsSpace() {
    // `count [1, 2]` counts a list; `count[0]` indexes a variable named count.
    unchanged("print count [1, 2], first [3]\n")
    unchanged("let count = [5]\nprint count[0]\n")
    check("print count (xs)\n", "print count(xs)\n")
}

@Test func queries() {
    check("let s = Resident where age>=70 and living_alone order by age desc,name limit 20\n",
          "let s = Resident where age >= 70 and living_alone order by age desc, name limit 20\n")
    check("let p = (people\n      where age > 50\n      order by age asc\n      limit 5)\n",
          "let p = (people\n  where age > 50\n  order by age asc\n  limit 5)\n")
}

// MARK: - Schema, data and governance

@Test func entitiesAndEvents() {
    check("entity Resident{\nkey id:Text\nname : Text\nphone: Text private\nliving_alone: Bool=false\ntags:[ Text ]\n}\n",
          "entity Resident {\n  key id: Text\n  name: Text\n  phone: Text private\n  living_alone: Bool = false\n  tags: [Text]\n}\n")
    check("entity Worker    { key id: Text, name: Text }\nevent E{who:Resident,n:Number}\n",
          "entity Worker { key id: Text, name: Text }\nevent E { who: Resident, n: Number }\n")
}

@Test func dataStatements() {
    check("use \"schema.civic\"\nload Resident from\"data/r.csv\"\nupdate zhang{living_alone:true}\nremove zhang\n",
          "use \"schema.civic\"\nload Resident from \"data/r.csv\"\nupdate zhang { living_alone: true }\nremove zhang\n")
}

@Test func accountsAndAwards() {
    check("account points of Resident\naccount credits of Resident{\nexpire after 2 years\nat most 1500\nat least -10\n}\n",
          "account points of Resident\naccount credits of Resident {\n  expire after 2 years\n  at most 1500\n  at least -10\n}\n")
    check("award 10 points to zhang for \"drill\"\ncharge 3 points from zhang\ntransfer 2 credits from zhang to li for \"gift\"\n",
          "award 10 points to zhang for \"drill\"\ncharge 3 points from zhang\ntransfer 2 credits from zhang to li for \"gift\"\n")
}

@Test func rulesAndEvents() {
    check("rule \"r\" on HazardReport r when r.verified{\naward 5+r.severity points to r.reporter\ncap 20 per month\nbudget 5000 per year\n}\nemit HazardReport{reporter:zhang,verified:true}\n",
          "rule \"r\" on HazardReport r when r.verified {\n  award 5 + r.severity points to r.reporter\n  cap 20 per month\n  budget 5000 per year\n}\nemit HazardReport { reporter: zhang, verified: true }\n")
}

@Test func programmesAndCatalogue() {
    check("programme \"Fire drill\"{\ncategory \"safety\"\neligible Resident where age>=16\ncapacity 50\n}\nenrol zhang in \"Fire drill\"\nwithdraw zhang from \"Fire drill\"\n",
          "programme \"Fire drill\" {\n  category \"safety\"\n  eligible Resident where age >= 16\n  capacity 50\n}\nenrol zhang in \"Fire drill\"\nwithdraw zhang from \"Fire drill\"\n")
    check("catalogue points {\n\"Rice\" costs 200,stock 50\n\"Haircut\" costs 80 , at most 1 per month\n}\nredeem \"Haircut\" for zhang\n",
          "catalogue points {\n  \"Rice\" costs 200, stock 50\n  \"Haircut\" costs 80, at most 1 per month\n}\nredeem \"Haircut\" for zhang\n")
}

@Test func splitAssignEscalate() {
    check("split \"income\" {\n70% to \"a\",\n30% to \"b\"\nround to 0.01\n}\n",
          "split \"income\" {\n  70% to \"a\",\n  30% to \"b\"\n  round to 0.01\n}\n")
    check("assign Household to Worker where role==\"grid\" { weight members;together building ; at most 300 }\n",
          "assign Household to Worker where role == \"grid\" { weight members; together building; at most 300 }\n")
    check("escalate HazardReport {\nafter 2 hours to \"community\"\nuntil handled\n}\n",
          "escalate HazardReport {\n  after 2 hours to \"community\"\n  until handled\n}\n")
}

@Test func testsAndExplain() {
    check("test \"caps\" {\nclock 2026-11-02T09:00\nadvance 1 month\nexpect zhang.points==20\n}\nexplain zhang.points\nexplain enrol zhang in \"Fire drill\"\n",
          "test \"caps\" {\n  clock 2026-11-02T09:00\n  advance 1 month\n  expect zhang.points == 20\n}\nexplain zhang.points\nexplain enrol zhang in \"Fire drill\"\n")
}

@Test func semicolonsStay() {
    check("let a = 1 ;let b = 2;print a+b\n", "let a = 1; let b = 2; print a + b\n")
}

// MARK: - Comments

@Test func endOfLineCommentsKeepTheirColumn() {
    unchanged("let cutoff = 20                # constant\nvar total = 0                  # variable\n")
    // Code that shrinks leaves the comment where it was.
    check("let   x   =   1   # c\n", "let x = 1         # c\n")
    // Code that grows past the comment pushes it to one space after the code.
    check("x=1+2 # c\n", "x = 1 + 2 # c\n")
    check("print 1 #c   \n", "print 1 #c\n")
}

@Test func commentsInBlocksAreIndented() {
    check("fn g(x) {\n\n      # a comment\n\n  return x\n    # last\n}\n",
          "fn g(x) {\n  # a comment\n\n  return x\n  # last\n}\n")
    check("if ok {   # why\nprint 1\n}\n", "if ok {   # why\n  print 1\n}\n")
}

@Test func commentsInsideBracketsAndContinuations() {
    check("let staff = [\n\"王芳\",   # grid\n    # whole line\n\n\"李强\",\n]\n",
          "let staff = [\n  \"王芳\", # grid\n  # whole line\n\n  \"李强\",\n]\n")
    check("let t = 1 +   # one\n# two\n2\n", "let t = 1 +   # one\n  # two\n  2\n")
    check("let r = {\nname: \"a\"   # the name\nage: 1\n}\n", "let r = {\n  name: \"a\" # the name\n  age: 1\n}\n")
}

@Test func commentOnlyAndEmptyFiles() {
    check("", "")
    check("\n\n  \n", "")
    check("   # only a comment", "# only a comment\n")
    check("# a\n\n\n\n# b\n\n", "# a\n\n# b\n")
}

// MARK: - Blank lines, indentation, line ends

@Test func blankLines() {
    check("\n\nlet a = 1\n\n\n\nlet b = 2\n\n\n", "let a = 1\n\nlet b = 2\n")
    check("if ok {\n\n  print 1\n\n}\n", "if ok {\n  print 1\n}\n")
    check("let xs = [\n\n  1\n\n]\n", "let xs = [\n  1\n]\n")
}

@Test func continuationLines() {
    check("let total = 1 +\n2 +\n      3\n", "let total = 1 +\n  2 +\n  3\n")
    check("let n =\n5\n", "let n =\n  5\n")
    check("let ok = a and\n(b or\nc)\n", "let ok = a and\n  (b or\n    c)\n")
    check("print(a +\nb)\n", "print (a +\n  b)\n")
}

@Test func bracketsOpenedTogetherIndentOnce() {
    check("let x = f(1, {\na: 1\n})\n", "let x = f(1, {\n  a: 1\n})\n")
    check("let t = sum3(\n1,\nf(2,\n3),\n)\n", "let t = sum3(\n  1,\n  f(2,\n    3),\n)\n")
    check("let people = [\n{ name: \"a\",\nage: 1 },\n]\n", "let people = [\n  { name: \"a\",\n    age: 1 },\n]\n")
}

@Test func aBlockBraceOnItsOwnLineStaysThere() {
    check("if ok\n    {\nprint 1\n}\n", "if ok\n{\n  print 1\n}\n")
}

@Test func manyBlankLinesAndLongChainsAreQuick() {
    let blanks = "print 1\n" + String(repeating: "\n", count: 200_000) + "print 2\n"
    check(blanks, "print 1\n\nprint 2\n")
    let chain = "let x = 1" + String(repeating: "+1", count: 900) + "\n"
    check(chain, "let x = 1" + String(repeating: " + 1", count: 900) + "\n")
}

@Test func nestedBlocks() {
    check("for w in ws {\nfor b in bs {\nif ok { print b }\n}\n}\n",
          "for w in ws {\n  for b in bs {\n    if ok { print b }\n  }\n}\n")
}

@Test func lineEndsTabsAndByteOrderMark() {
    check("let x = 1\r\nif x == 1 {\r\n\tprint x\t\r\n}\r\n", "let x = 1\nif x == 1 {\n  print x\n}\n")
    let bom = SourceFile(name: "bom.civic", bytes: [0xEF, 0xBB, 0xBF] + Array("print 1\n".utf8))
    #expect((try? SourceFormatter.format(bom).get()) == Array("print 1\n".utf8))
}

@Test func chineseNamesAndComments() {
    check("let 张三 = add 居民{姓名:\"张三\"}   # 居民\n", "let 张三 = add 居民 { 姓名: \"张三\" } # 居民\n")
}

// MARK: - Syntax errors

@Test func aFileWithASyntaxErrorIsNotFormatted() throws {
    let result = SourceFormatter.format(text: "let a = 1 +\nprint (1\n")
    guard case .failure(let list) = result else {
        Issue.record("formatted a file with a syntax error")
        return
    }
    #expect(!list.diagnostics.isEmpty)
    #expect(list.diagnostics.allSatisfy { $0.severity == .error })
}

@Test func aCheckErrorIsNotASyntaxError() {
    // Unknown names and type errors are the checker's business: the file is formatted.
    check("print  totl+\"3\"\n", "print totl + \"3\"\n")
}
