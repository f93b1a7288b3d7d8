using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Tests;

/// <summary>Command templates: shell quoting, operators, replacement strings.</summary>
public class TemplateSpecs : Spec
{
    private static readonly JobContext Job = new(7, 2);

    [Fact]
    public void A_template_string_is_split_with_shell_quoting_rules()
    {
        var words = TemplateLexer.Split(""" echo 'single quoted' "double \"quoted\"" back\ slash {}""").Select(t => t.Text);
        Assert.Equal(["echo", "single quoted", "double \"quoted\"", "back slash", "{}"], words);
    }

    [Fact]
    public void Operators_become_tokens_even_without_spaces()
    {
        var tokens = TemplateLexer.Split("sort <in.txt | uniq -c >>out.txt 2>&1");
        Assert.Equal(
            [TokenKind.Word, TokenKind.StdinFrom, TokenKind.Word, TokenKind.Pipe, TokenKind.Word, TokenKind.Word, TokenKind.StdoutAppend, TokenKind.Word, TokenKind.StderrToStdout],
            tokens.Select(t => t.Kind));
    }

    [Theory]
    [InlineData("grep x a 2>err.txt", "StderrTo")]
    [InlineData("grep x a 2> err.txt", "StderrTo")]
    [InlineData("grep x a 2>>err.txt", "StderrAppend")]
    [InlineData("grep x a 1>out.txt", "StdoutTo")]
    [InlineData("grep x a>out.txt", "StdoutTo")]
    [InlineData("grep x a >>out.txt", "StdoutAppend")]
    public void A_descriptor_before_a_redirection_is_part_of_the_operator_not_an_argument(string template, string kind)
    {
        var redirection = Enum.Parse<TokenKind>(kind);
        var tokens = TemplateLexer.Split(template);
        Assert.Equal([TokenKind.Word, TokenKind.Word, TokenKind.Word, redirection, TokenKind.Word], tokens.Select(t => t.Kind));
        Assert.Equal(["grep", "x", "a"], tokens.Take(3).Select(t => t.Text));
    }

    [Fact]
    public void Digits_inside_a_word_stay_in_the_word_as_in_a_shell()
    {
        var tokens = TemplateLexer.Split("echo a2>out");
        Assert.Equal(["echo", "a2", ">", "out"], tokens.Select(t => t.Text));
    }

    [Fact]
    public void A_2_redirection_before_a_pipe_is_an_operator_not_an_argument_and_needs_a_file()
    {
        // (Where stderr goes is not in the text; ParallelSpecs checks the file end to end.)
        Pipeline job = JobTemplate.Parse(["grep x {} 2>{}.err | wc -l"], shell: false).Build(["in"], Job);
        Assert.Equal("grep x in | wc -l", job.ToString());
        Assert.Throws<UsageException>(() => JobTemplate.Parse(["grep x 2>"], shell: false));
    }

    [Theory]
    [InlineData("echo a; echo b", ";")]
    [InlineData("a && b", "&")]
    [InlineData("echo $HOME", "$")]
    [InlineData("echo `id`", "`")]
    [InlineData("ls *.txt", "*")]
    [InlineData("a || b", "|")]
    [InlineData("ls ~", "~")]
    [InlineData("ls ~/src", "~")]
    [InlineData("make PREFIX=~/opt", "~")]
    [InlineData("echo a #comment", "#")]
    [InlineData("#echo a", "#")]
    [InlineData("touch {a,b}.txt", "{a,b}")]
    [InlineData("echo x{1..3}", "{1..3}")]
    [InlineData("echo {a..c}", "{a..c}")]
    [InlineData("echo 3>out", "3>")]
    [InlineData("echo 2>&2", "2>&")]
    [InlineData("echo 2>&12", "2>&")]
    [InlineData("echo 2>&1x", "2>&")]
    [InlineData("echo 2>&1-", "2>&")]
    public void Shell_syntax_it_does_not_build_is_refused_with_a_pointer_to_shell(string template, string what)
    {
        var error = Assert.Throws<UsageException>(() => TemplateLexer.Split(template));
        Assert.Contains($"'{what}'", error.Message);
        Assert.Contains("--shell", error.Message);
    }

    [Fact]
    public void Quoted_or_mid_word_tildes_hashes_and_braces_are_literal()
    {
        var words = TemplateLexer.Split("""echo "~" '~' \~ a~b "#" '#x' a#b "{a,b}" '{1..3}' {a\,b} {x} {} --opt=~""").Select(t => t.Text);
        Assert.Equal(["echo", "~", "~", "~", "a~b", "#", "#x", "a#b", "{a,b}", "{1..3}", "{a,b}", "{x}", "{}", "--opt=~"], words);
    }

    [Fact]
    public void Replacement_strings_are_not_brace_expansion()
    {
        var words = TemplateLexer.Split("echo {} {.} {/} {//} {/.} {#} {%} {1} {2.} {1/.} x{}y").Select(t => t.Text);
        Assert.Equal(["echo", "{}", "{.}", "{/}", "{//}", "{/.}", "{#}", "{%}", "{1}", "{2.}", "{1/.}", "x{}y"], words);
    }

    [Theory]
    [InlineData("echo 'open")]
    [InlineData("echo \"open")]
    public void Unbalanced_quotes_are_refused(string template) =>
        Assert.Contains("unbalanced", Assert.Throws<UsageException>(() => TemplateLexer.Split(template)).Message);

    [Theory]
    [InlineData("{}", "dir/sub/file.tar.gz")]
    [InlineData("{.}", "dir/sub/file.tar")]
    [InlineData("{/}", "file.tar.gz")]
    [InlineData("{//}", "dir/sub")]
    [InlineData("{/.}", "file.tar")]
    [InlineData("{#}", "7")]
    [InlineData("{%}", "2")]
    [InlineData("x{}y", "xdir/sub/file.tar.gzy")]
    public void Replacement_strings_follow_GNU_parallel(string template, string expected) =>
        Assert.Equal(expected, Replacements.Gnu.Apply(template, ["dir/sub/file.tar.gz"], Job));

    [Fact]
    public void Numbered_replacements_pick_an_input_source()
    {
        Assert.Equal("b.txt a", Replacements.Gnu.Apply("{2} {1.}", ["a.c", "b.txt"], Job));
        Assert.Equal("a.c b.txt", Replacements.Gnu.Apply("{}", ["a.c", "b.txt"], Job));
        Assert.Throws<UsageException>(() => Replacements.Gnu.Apply("{3}", ["a", "b"], Job));
    }

    [Fact]
    public void Dirname_and_extension_edge_cases_are_GNU_parallels_own()
    {
        Assert.Equal(".", Replacements.Gnu.Apply("{//}", ["file"], Job));
        Assert.Equal("dir.d/file", Replacements.Gnu.Apply("{.}", ["dir.d/file"], Job));
        // GNU parallel's {.} is s:\.[^/.]*$::, so a dot file has no name left, and its {/} is s:.*/::.
        Assert.Equal("", Replacements.Gnu.Apply("{.}", [".hidden"], Job));
        Assert.Equal("", Replacements.Gnu.Apply("{/}", ["dir/"], Job));
        Assert.Equal("a", Replacements.Gnu.Apply("{//}", ["a//b"], Job));
    }

    [Theory]
    [InlineData(",,", "x,,y {} {.} {1}", "xa.by {} a {1}")] // as GNU parallel: {} and {n} are renamed, the other forms stay
    [InlineData("{}", "{} {1}", "a.b a.b")]                  // -I {} changes nothing
    [InlineData("[]", "[/.]", "[/.]")]                       // only the string itself is renamed
    public void Minus_I_renames_the_input_string(string replaceString, string template, string expected) =>
        Assert.Equal(expected, new Replacements(replaceString, plus: false, missingIsEmpty: false).Apply(template, ["a.b"], Job));

    [Fact]
    public void Minus_I_with_an_empty_string_is_refused() =>
        Assert.Contains("-I needs", Assert.Throws<UsageException>(() => new Replacements("", plus: false, missingIsEmpty: false)).Message);

    [Theory]
    [InlineData("{..} {+..} {/...}", "d/f.tar.gz.x", "d/f.tar gz.x f")]
    [InlineData("{..}", "d/f.tar.gz.x", "{..}")] // not without --plus: Gnu leaves it
    [InlineData("{:-empty}", "", "empty")]
    [InlineData("{%%[0-9]+}", "v12", "v")]
    [InlineData("{%[0-9]+}", "v12", "v1")]
    [InlineData("{#[a-z]+}", "ab1", "b1")]
    [InlineData("{/1/$x}", "a1", "a$x")] // the replacement is taken as written
    public void Plus_forms(string template, string value, string expected)
    {
        Replacements replacements = template == "{..}" ? Replacements.Gnu : new(null, plus: true, missingIsEmpty: false);
        Assert.Equal(expected, replacements.Apply(template, [value], Job));
    }

    [Fact]
    public void A_plus_form_whose_regex_does_not_parse_is_refused_saying_so()
    {
        var plus = new Replacements(null, plus: true, missingIsEmpty: false);
        Assert.Contains("not a regular expression", Assert.Throws<UsageException>(() => plus.Apply("{#*/}", ["a/b"], Job)).Message);
    }

    [Fact]
    public void Total_and_padded_numbers_under_plus()
    {
        var plus = new Replacements(null, plus: true, missingIsEmpty: false) { Total = 120, Slots = 16 };
        Assert.Equal("120 007 03", plus.Apply("{##} {0#} {0%}", ["a"], new JobContext(7, 3)));
    }

    [Fact]
    public void Uniq_and_choose_k_skip_jobs()
    {
        var plus = new Replacements(null, plus: true, missingIsEmpty: false);
        Func<IReadOnlyList<string>, bool> uniq = plus.SkipRule(["echo {uniq}"])!, chooseK = plus.SkipRule(["echo", "{choose_k}"])!;
        Assert.True(uniq(["a", "a"]));
        Assert.False(uniq(["a", "b"]));
        Assert.True(chooseK(["b", "a"]));
        Assert.False(chooseK(["a", "b"]));
        Assert.Null(plus.SkipRule(["echo {}"])); // no job is skipped
    }

    [Fact]
    public void A_template_without_replacement_strings_gets_the_input_appended()
    {
        Pipeline job = JobTemplate.Parse(["gzip", "-k"], shell: false).Build(["a b.txt"], Job);
        Assert.Equal(["-k", "a b.txt"], job.Commands[0].Arguments);
    }

    [Fact]
    public void Pipes_and_redirections_build_a_pipeline()
    {
        Pipeline job = JobTemplate.Parse(["sort < {} | uniq -c > {}.counts"], shell: false).Build(["words"], Job);
        Assert.Equal("sort | uniq -c", job.ToString());
    }

    [Fact]
    public void Shell_mode_quotes_inputs()
    {
        Pipeline job = JobTemplate.Parse(["echo {}"], shell: true).Build(["it's $HOME"], Job);
        Assert.Equal("echo 'it'\"'\"'s $HOME'", job.Commands[0].Arguments[1]); // GNU parallel's quoting
    }

    [Theory]
    [InlineData("| wc")]
    [InlineData("sort |")]
    [InlineData("sort >")]
    [InlineData("cat | sort < in")]
    [InlineData("cat > out | sort")]
    public void Malformed_pipelines_are_refused(string template) =>
        Assert.Throws<UsageException>(() => JobTemplate.Parse([template], shell: false));

    [Theory]
    [InlineData("make 2>&1 > log")]
    [InlineData("make 2>&1 >> log | tee x")]
    [InlineData("make > a 2>&1 > b")]
    [InlineData("make 2>&1>log")]
    public void Stderr_to_where_stdout_was_before_a_later_redirection_is_refused_not_reordered(string template)
    {
        // In a shell `2>&1 > log` leaves stderr on the terminal; subproc's 2>&1 would follow stdout into log.
        var error = Assert.Throws<UsageException>(() => JobTemplate.Parse([template], shell: false));
        Assert.Contains("--shell", error.Message);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("> OUT 2>&1", "out\nerr\n", "")]
    [InlineData("2>&1 | cat > OUT", "out\nerr\n", "")]
    [InlineData("2>&1|cat > OUT", "out\nerr\n", "")]
    [InlineData("2>&1 2> ERR > OUT", "out\n", "err\n")]
    [InlineData("2>&1 > OUT 2> ERR", "out\n", "err\n")]     // the shell's end state is subproc's
    [InlineData("2>&1 > OUT 2>&1", "out\nerr\n", "")]       // both to OUT either way
    public async Task Stderr_that_ends_where_a_shell_would_send_it_is_accepted(string redirections, string outFile, string errFile)
    {
        string dir = Directory.CreateTempSubdirectory("subproc-redir-").FullName;
        try
        {
            (string output, string errors) = (Path.Combine(dir, "out"), Path.Combine(dir, "err"));
            string template = "sh -c 'echo out; echo err >&2' " + redirections.Replace("OUT", output, StringComparison.Ordinal).Replace("ERR", errors, StringComparison.Ordinal);

            await JobTemplate.Parse([template], shell: false).Build([], Job).RunAsync();

            Assert.Equal(outFile, File.ReadAllText(output));
            Assert.Equal(errFile, File.Exists(errors) ? File.ReadAllText(errors) : "");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
