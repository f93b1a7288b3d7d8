using Subprocess.Cli.Commands;
using Subprocess.Cli.Inputs;

namespace Subprocess.Cli.Tests;

public class InputAndDurationSpecs : Spec
{
    [Fact]
    public void Several_sources_combine_as_a_cross_product_first_varying_slowest()
    {
        var (template, sources) = InputSources.Split(["echo", "{1}{2}", ":::", "a", "b", ":::", "1", "2"], () => TextReader.Null);
        Assert.Equal(["echo", "{1}{2}"], template);
        Assert.Equal(["a1", "a2", "b1", "b2"], sources.Combinations().Select(c => string.Concat(c)));
    }

    [Fact]
    public void Without_sources_the_lines_of_stdin_are_the_inputs()
    {
        var (_, sources) = InputSources.Split(["echo"], () => new StringReader("x\ny\n"));
        Assert.Equal(["x", "y"], sources.Combinations().Select(c => c[0]));
    }

    [Fact]
    public void Items_come_out_whole_however_the_reads_cut_them()
    {
        // A delimiter of two characters cut between reads, an item longer than the read buffer, an empty
        // item, a last item with no delimiter after it: read 7 characters at a time, then all at once.
        string longItem = new('x', 200_000);
        string text = $"a<>bc<><>{longItem}<>" + string.Concat(Enumerable.Range(0, 30_000).Select(i => $"{i}<>")) + "last";
        string[] expected = ["a", "bc", "", longItem, .. Enumerable.Range(0, 30_000).Select(i => $"{i}"), "last"];
        var options = InputOptions.Of([], "<>", nul: false, link: false, trim: null);
        foreach (TextReader reader in (TextReader[])[new TrickleReader(text, 7), new StringReader(text)])
        {
            var (_, sources) = InputSources.Split(["echo"], () => reader, options);
            Assert.Equal(expected, sources.Combinations().Select(c => c[0]));
        }
    }

    /// <summary>Gives at most <paramref name="size"/> characters a read, as a pipe gives what has arrived.</summary>
    private sealed class TrickleReader(string text, int size) : TextReader
    {
        private int _at;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(Math.Min(count, size), text.Length - _at);
            text.CopyTo(_at, buffer, index, n);
            _at += n;
            return n;
        }
    }

    [Fact]
    public void Four_colons_read_a_file_and_an_empty_source_gives_no_jobs()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "one\ntwo\n");
            var (_, sources) = InputSources.Split(["echo", "::::", file], () => TextReader.Null);
            Assert.Equal(["one", "two"], sources.Combinations().Select(c => c[0]));
            Assert.Empty(InputSources.Split(["echo", ":::"], () => TextReader.Null).Sources.Combinations());
            Assert.Throws<UsageException>(() => InputSources.Split(["echo", "::::", "/nonexistent/file"], () => TextReader.Null));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Four_colons_read_inputs_from_files_and_from_stdin_end_to_end()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "one\ntwo\n");
            CapturedResult fromFile = await Subproc.RunAsync("parallel", "-k", "echo", "{1}-{2}", "::::", file, ":::", "a", "b");
            Assert.Equal("one-a\none-b\ntwo-a\ntwo-b\n", fromFile.StdoutText);

            CapturedResult fromStdin = await Subproc.RunWithInputAsync("x\ny\n", "parallel", "-k", "echo", "[{}]", "::::", "-");
            Assert.Equal("[x]\n[y]\n", fromStdin.StdoutText);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("10", 10.0)]
    [InlineData("1.5s", 1.5)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120.0)]
    [InlineData("1h", 3600.0)]
    public void Durations_read_as_people_write_them(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_input_holding_a_NUL_is_refused_in_one_line_and_counted_failed_while_the_rest_run()
    {
        CapturedResult result = await Subproc.RunWithInputAsync("a\nb\0c\nd\n", "parallel", "-k", "echo");

        Assert.Equal("a\nd\n", result.StdoutText);
        Assert.StartsWith("subproc: job 2: the input 'b\\0c' holds a NUL byte, which cannot be passed to a program; not run\n", result.StderrText);
        Assert.DoesNotContain("   at ", result.StderrText); // no stack trace
        Assert.Equal(1, result.ExitStatus.Code);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    public void Bad_durations_are_refused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Options_end_where_the_command_begins_as_the_command_declares_them()
    {
        var command = new System.CommandLine.Command("parallel")
        {
            new System.CommandLine.Option<int?>("--jobs", "-j"),
            new System.CommandLine.Option<bool>("--keep-order", "-k"),
        };
        _ = new System.CommandLine.RootCommand { command }; // gives it the inherited --help

        Assert.Equal(["-j", "4", "-k", "--", "head", "-n", "1"], ArgumentSplitter.Split(["-j", "4", "-k", "head", "-n", "1"], command));
        Assert.Equal(["--jobs=4", "--help", "--", "head"], ArgumentSplitter.Split(["--jobs=4", "--help", "head"], command));
        Assert.Equal(["-j2", "--", "head"], ArgumentSplitter.Split(["-j2", "head"], command));
        Assert.Throws<UsageException>(() => ArgumentSplitter.Split(["--nope", "x"], command));
    }
}
