namespace Subprocess.Tests;

/// <summary>
/// <c>Command.Shell($"...")</c>: each value reaches the command as one literal value wherever it stands
/// in the script (bare, in single or double quotes, in <c>$(...)</c> or <c>${...}</c>, in a comment),
/// and no value, however hostile, runs anything. Each case runs under the real <c>/bin/sh</c>.
/// </summary>
public sealed class ShellInterpolationSpecs : Spec
{
    // {M} is a file the value tries to create.
    public static readonly TheoryData<string> Hostile =
    [
        "$(touch {M})", "`touch {M}`", "a;touch {M}", "'; touch {M}; '", "\"; touch {M}; \"", "\\\"; touch {M} #",
        "a}b$(touch {M})", "x\ntouch {M}", "it's \"$HOME\" \\ \\\\ !", "*", "A=1", "~", "", "-n", "a b\tc", "}{", "é ☃ \u00a0",
        "nobody\n", "2", "x\r", "a\u00a0#b",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("subproc-interpolation-").FullName;

    public override async ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        await base.DisposeAsync();
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Hostile))]
    public async Task A_value_reaches_the_command_literally_wherever_it_stands_and_runs_nothing(string value)
    {
        string marker = Path.Combine(_dir, "PWNED");
        value = value.Replace("{M}", marker, StringComparison.Ordinal);
        (Command Script, string Expected)[] cases =
        [
            (Command.Shell($"printf '%s\\n' {value}"), value),
            (Command.Shell($"printf '%s\\n' {value}.bak"), value + ".bak"),
            (Command.Shell($"printf '%s\\n' \"{value}\""), value),
            (Command.Shell($"printf '%s\\n' \"<{value}>\""), $"<{value}>"),
            (Command.Shell($"printf '%s\\n' '{value}'"), value),
            (Command.Shell($"printf '%s\\n' 'a {value} b'"), $"a {value} b"),
            // A command substitution drops trailing newlines, whatever they were.
            (Command.Shell($"printf '%s\\n' \"$(printf '%s' \"{value}\")\""), value.TrimEnd('\n')),
            (Command.Shell($"printf '%s\\n' \"$(printf '%s' {value})\""), value.TrimEnd('\n')),
            (Command.Shell($"printf '%s\\n' \"${{UNSET:-{value}}}\""), value),
            (Command.Shell($"x={value}; printf '%s\\n' \"$x\""), value),
            (Command.Shell($"printf '%s\\n' done # {value}"), "done"),
            (Command.Shell($"P=pre; printf '%s\\n' $P{value}"), "pre" + value),
            (Command.Shell($"P=pre; printf '%s\\n' \"$P{value}\""), "pre" + value),
            (Command.Shell($"printf '%s\\n' $(echo x)#{value}"), "x#" + value),
            // A case's pattern ) inside a subshell inside $( closes neither.
            (Command.Shell($"y=\"$( (case a in a) :;; esac); printf '%s' {value})\"; printf '%s\\n' \"$y\""), value.TrimEnd('\n')),
            (Command.Shell($"printf '%s\\n' {value}>&1"), value),
            (Command.Shell($"printf '%s\\n' {value} | tr -d '\\n' | wc -c"), System.Text.Encoding.UTF8.GetByteCount(value.Replace("\n", "", StringComparison.Ordinal)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];

        foreach ((Command script, string expected) in cases)
        {
            CapturedResult result = await script.CaptureAsync();
            Assert.False(File.Exists(marker), $"the value ran a command: {script.Arguments[1]}");
            Assert.Equal(expected + "\n", result.StdoutText.TrimStart(' '));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_sequence_in_a_bare_place_is_one_word_each_and_inside_quotes_one_value()
    {
        string[] files = ["my pic.png", "$(id)", "it's"];

        Assert.Equal("my pic.png\n$(id)\nit's\n", (await Command.Shell($"printf '%s\\n' {files}").CaptureAsync()).StdoutText);
        Assert.Equal("my pic.png $(id) it's\n", (await Command.Shell($"printf '%s\\n' \"{files}\"").CaptureAsync()).StdoutText);

        // Within a word, a sequence is one value: it cannot split an assignment or a prefix into commands.
        string[] flags = ["-O2", "sh", "-c", "id"];
        Assert.Equal("-O2 sh -c id|\n", (await Command.Shell($"FLAGS={flags}; printf '%s|\\n' \"$FLAGS\"").CaptureAsync()).StdoutText);
        Assert.Equal("-I-O2 sh -c id\n", (await Command.Shell($"printf '%s\\n' -I{flags}").CaptureAsync()).StdoutText);
        string[] none = [];
        Assert.Equal("[]\n", (await Command.Shell($"printf '[%s]\\n' {none}").CaptureAsync()).StdoutText);
    }

    [Fact(Timeout = 30_000)]
    public async Task Numbers_are_written_in_the_invariant_culture_and_a_null_as_nothing()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            double half = 0.5;
            string? none = null;
            Assert.Equal("0.5 '' 00042\n", (await Command.Shell($"echo {half} \"'{none}'\" {42:D5}").CaptureAsync()).StdoutText);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_plain_string_is_the_script_as_written()
    {
        const string script = "echo $HOME `id` 'a b'";
        Assert.Equal(["-c", script], Command.Shell(script).Arguments);
        string value = "x; rm -rf ~";
        Assert.Equal(["-c", "grep -c 'x; rm -rf ~' notes.txt"], Command.Shell($"grep -c {value} notes.txt").Arguments);
    }

    [Fact]
    public void Where_no_quoting_is_sure_the_script_is_refused_before_anything_runs()
    {
        string v = "x";
        Assert.Contains("inside `...`", Assert.Throws<ArgumentException>(() => Command.Shell($"echo `echo {v}`")).Message);
        Assert.Contains("after a backslash", Assert.Throws<ArgumentException>(() => Command.Shell($"echo \\{v}")).Message);
        Assert.Contains("after $", Assert.Throws<ArgumentException>(() => Command.Shell($"echo ${v}")).Message);
        Assert.Contains("after $", Assert.Throws<ArgumentException>(() => Command.Shell($"echo \"${v}\"")).Message);
        Assert.Contains("here-document", Assert.Throws<ArgumentException>(() => Command.Shell($"cat <<EOF\n{v}\nEOF")).Message);
        Assert.Contains("splits a shell operator", Assert.Throws<ArgumentException>(() => Command.Shell($"cat <{v}<EOF")).Message);
        Assert.Contains("open", Assert.Throws<ArgumentException>(() => Command.Shell($"echo '{v}")).Message);
        Assert.Contains("dash", Assert.Throws<ArgumentException>(() => Command.Shell($"echo $'a' {v}")).Message);
        Assert.Contains("after ${", Assert.Throws<ArgumentException>(() => Command.Shell($"echo ${{{v}}}")).Message);
        Assert.Contains("name", Assert.Throws<ArgumentException>(() => Command.Shell($"\"${{TOOL_{v}}}\" --run")).Message);
        Assert.Contains("inside `...`", Assert.Throws<ArgumentException>(() => Command.Shell($"c=`cat \"${{CONF:-{v}}}\"`")).Message);
        Assert.Contains("inside `...`", Assert.Throws<ArgumentException>(() => Command.Shell($"x=`echo $(printf %s \"{v}\")`")).Message);
        Assert.Contains("arithmetic", Assert.Throws<ArgumentException>(() => Command.Shell($"echo $(( {v} + 1 ))")).Message);
        Assert.Contains("pattern", Assert.Throws<ArgumentException>(() => Command.Shell($"f=a.c; echo \"${{f%'{v}'}}\"")).Message);
        Assert.Contains("pattern", Assert.Throws<ArgumentException>(() => Command.Shell($"f=a.c; echo ${{f#{v}}}")).Message);
    }

    public static readonly TheoryData<string> Words =
        ["", "plain", "a b", "it's", "'", "\"", "$HOME", "`id`", "a\nb", "x\n", "-x", "=", "@%+=:,./_-", "é", "*?[]", "~user", "!", "#"];

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Words))]
    public async Task ShellQuote_writes_what_Pythons_shlex_quote_writes_and_the_shell_reads_it_back(string word)
    {
        CapturedResult python = await Command.Create("python3", "-c", "import shlex, sys; sys.stdout.write(shlex.quote(sys.argv[1]))", word).CaptureAsync();
        Assert.Equal(python.StdoutText, Command.ShellQuote(word));

        CapturedResult echoed = await Command.Shell("printf '%s' " + Command.ShellQuote(word)).CaptureAsync();
        Assert.Equal(word, echoed.StdoutText);
    }
}
