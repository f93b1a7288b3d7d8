using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Tests;

/// <summary>
/// <c>--shell</c> templates: an input reaches the command as one literal value wherever the template
/// puts <c>{}</c> (bare, in single or double quotes, in <c>$(...)</c> or <c>${...}</c>, in a comment),
/// and no input, however hostile, runs anything. Each case runs under the real <c>/bin/sh</c>.
/// </summary>
public sealed class ShellTemplateSpecs : Spec
{
    private static readonly JobContext Job = new(1, 1);

    // Each prints its value on one line, {} standing in a different quoting context; the second
    // element is the line expected, {0} the input.
    public static readonly TheoryData<string, string> Contexts = new()
    {
        { "printf '%s\\n' {}", "{0}" },
        { "printf '%s\\n' {}.bak", "{0}.bak" },
        { "printf '%s\\n' \"{}\"", "{0}" },
        { "printf '%s\\n' \"<{}>\"", "<{0}>" },
        { "printf '%s\\n' '{}'", "{0}" },
        { "printf '%s\\n' 'a {} b'", "a {0} b" },
        { "printf '%s\\n' \"$(printf '%s' \"{}\")\"", "{0}" },
        { "printf '%s\\n' \"$(printf '%s' {})\"", "{0}" },
        { "printf '%s\\n' \"${UNSET:-{}}\"", "{0}" },
        { "printf '%s\\n' \"${UNSET:-\"{}\"}\"", "{0}" },
        { "x={}; printf '%s\\n' \"$x\"", "{0}" },
        { "printf '%s\\n' done # {}", "done" },
        { "printf '%s\\n' \"${UNSET:-'{}'}\"", "'{0}'" },  // quotes are plain characters there
        { "printf '%s\\n' \"$(case \"{}\" in *) printf '%s' \"{}\";; esac)\"", "{0}" }, // a pattern's ) closes nothing
        { "printf '%s\\n' a\\ #{}", "a #{0}" },                 // not a comment: the # is inside a word
        { "printf '%s\\n' \"${UNSET:- #{}}\"", " #{0}" },
        { "P=pre; printf '%s\\n' $P{}", "pre{0}" },               // the input does not lengthen the name
        { "P=pre; printf '%s\\n' \"$P{}\"", "pre{0}" },
        { "printf '%s\\n' {}>&1", "{0}" },                      // a bare 2 would be a redirection
    };

    // {M} is a file the input tries to create.
    public static readonly string[] Hostile =
    [
        "$(touch {M})", "`touch {M}`", "a;touch {M}", "'; touch {M}; '", "\"; touch {M}; \"", "\\\"; touch {M} #",
        "a}b$(touch {M})", "x\ntouch {M}", "it's \"$HOME\" \\ \\\\ !", "*", "A=1", "~", "", "2",
    ];

    public static TheoryData<string, string, string> ContextsAndInputs()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (TheoryDataRow<string, string> context in Contexts)
        {
            foreach (string input in Hostile)
            {
                cases.Add(context.Data.Item1, context.Data.Item2, input);
            }
        }
        return cases;
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("subproc-shell-").FullName;

    public override async ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        await base.DisposeAsync();
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(ContextsAndInputs))]
    public async Task An_input_reaches_the_command_literally_and_runs_nothing(string template, string expected, string input)
    {
        string marker = Path.Combine(_dir, "PWNED");
        input = input.Replace("{M}", marker, StringComparison.Ordinal);

        CapturedResult result = await JobTemplate.Parse([template], shell: true).Build([input], Job).CaptureAsync();

        Assert.False(File.Exists(marker), $"the input ran a command: {input}");
        string line = expected.Replace("{0}", input, StringComparison.Ordinal);
        Assert.Equal(line + "\n", result.StdoutText);
    }

    [Theory]
    [InlineData("echo `echo {}`", "inside `...`")]
    [InlineData("echo \"`echo {}`\"", "inside `...`")]
    [InlineData("echo \\{}", "after a backslash")]
    [InlineData("echo \"\\{}\"", "after a backslash")]
    [InlineData("echo ${}", "after $")]
    [InlineData("cat <<EOF\n{}\nEOF", "here-document")]
    [InlineData("cat <<'EOF'\n{}\nEOF", "here-document")]
    [InlineData("echo '{}", "open")]
    [InlineData("echo \"$(echo {}\"", "open")]
    [InlineData("cat <<EOF\nhello\nEOF", "here-document")]        // appended inputs would hide its end
    [InlineData("echo \"$\\\n(echo {})\"", "line ended by")]    // the shell joins the lines first
    [InlineData("echo $'{}'", "dash")]
    public void Where_no_quoting_is_sure_the_template_is_refused(string template, string why)
    {
        var error = Assert.Throws<UsageException>(() => JobTemplate.Parse([template], shell: true));
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void Inputs_appended_to_a_template_without_replacement_strings_are_quoted_too()
    {
        Pipeline job = JobTemplate.Parse(["printf '%s\\n'"], shell: true).Build(["a b", "$(x)"], Job);
        Assert.Equal("printf '%s\\n' 'a b' '$(x)'", job.Commands[0].Arguments[1]);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_tool_quotes_for_the_context_in_runs_and_dry_runs()
    {
        string marker = Path.Combine(_dir, "PWNED");
        CapturedResult doubled = await Subproc.RunAsync("parallel", "-k", "--shell", "echo \"{}\"", ":::", $"$(touch {marker})", "my pic.png");
        CapturedResult single = await Subproc.RunAsync("parallel", "-k", "--shell", "echo '{}'", ":::", $"a;touch {marker}", "it's");
        CapturedResult dry = await Subproc.RunAsync("parallel", "-k", "--dry-run", "--shell", "convert \"{}\" \"{.}.jpg\"", ":::", "pic.png", "my pic.png");

        Assert.False(File.Exists(marker), "an input ran a command");
        Assert.Equal($"$(touch {marker})\nmy pic.png\n", doubled.StdoutText);
        Assert.Equal($"a;touch {marker}\nit's\n", single.StdoutText);
        Assert.Equal("convert \"pic.png\" \"pic.jpg\"\nconvert \"my pic.png\" \"my pic.jpg\"\n", dry.StdoutText); // GNU parallel's for the first
    }
}
