using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Subprocess.Cli.Inputs;
using Subprocess.Cli.Templates;

namespace Subprocess.Cli.Output;

/// <summary>
/// Each job's output kept in files where GNU parallel 20221122 keeps it. <c>--results NAME</c>:
/// <c>NAME/1/a/2/b/</c> holding <c>stdout</c>, <c>stderr</c> and <c>seq</c> (the job's number), one
/// pair of directories per input (its source's number or <c>--header</c> name, then its value), or,
/// when NAME holds replacement strings, the file NAME filled in with <c>.err</c> and <c>.seq</c>
/// beside it (a directory holding the three when it ends in <c>/</c>). <c>--files</c> alone: stdout
/// in a new <c>$TMPDIR/parXXXXX.par</c>. Nothing else is printed, but for the name of each job's
/// stdout file under <c>--files</c> (and <c>--line-buffer</c>, where GNU parallel prints it too).
/// </summary>
internal sealed partial class ResultFiles : IJobResults
{
    /// <summary>The longest name a directory can have (ext4, tmpfs, xfs...): longer values are cut, as GNU parallel cuts them.</summary>
    private const int NameMax = 255;

    private readonly string? _name;
    private readonly IReadOnlyList<string> _headers;
    private readonly bool _printNames;
    private readonly Stream _stdout;
    private readonly Stream _stderr;
    private readonly Replacements _replacements;

    /// <param name="name">The <c>--results</c> name; null for <c>--files</c> alone (temporary files).</param>
    /// <param name="headers">The <c>--header</c> name of each value, if any (else its source's number names it).</param>
    /// <param name="printNames">Print the name of each job's stdout file, with its tag.</param>
    /// <param name="stdout">Where the names go.</param>
    /// <param name="stderr">Where a job's stderr goes under <c>--files</c> alone.</param>
    /// <param name="replacements">The run's replacement strings, which fill in a <paramref name="name"/> that holds them.</param>
    public ResultFiles(string? name, IReadOnlyList<string> headers, bool printNames, Stream stdout, Stream stderr, Replacements replacements)
    {
        (_name, _headers, _printNames, _stdout, _stderr, _replacements) = (name, headers, printNames, stdout, stderr, replacements);
    }

    /// <summary>Whether the files of <paramref name="input"/>'s job are there already (<c>--resume</c>
    /// skips it then): its stdout file, as GNU parallel checks.</summary>
    public bool HasRun(JobInput input)
    {
        if (_name is null)
        {
            return false;
        }
        string place = Place(input, new JobContext(input.Number, 1));
        return File.Exists(place + "stdout") || File.Exists(place);
    }

    /// <inheritdoc/>
    public async Task WriteAsync(JobResult job, JobInput input, byte[]? tag, string command)
    {
        string stdoutPath;
        if (_name is null)
        {
            (FileStream file, stdoutPath) = NewTemporaryFile();
            await KeepAsync(job.OpenStdout, file);
            // GNU parallel deletes a job's stderr under --files, unseen; it is shown here, as the job wrote it.
            await using Stream errors = job.OpenStderr();
            await JobReporter.CopyAsync(errors, _stderr, tag);
        }
        else
        {
            string place = Place(input, job.Context);
            // A place ending in / is a directory of three files; else the files are the place itself, .err and .seq.
            bool directory = place.EndsWith('/');
            string? parent = Path.GetDirectoryName(directory ? place + "seq" : place);
            Create(parent);
            await File.WriteAllTextAsync(directory ? place + "seq" : place + ".seq", input.Number.ToString(CultureInfo.InvariantCulture));
            stdoutPath = directory ? place + "stdout" : place;
            await KeepAsync(job.OpenStdout, Open(stdoutPath));
            await KeepAsync(job.OpenStderr, Open(directory ? place + "stderr" : place + ".err"));
        }
        if (_printNames)
        {
            byte[] line = Encoding.UTF8.GetBytes(stdoutPath + "\n");
            if (tag is not null)
            {
                await _stdout.WriteAsync(tag);
            }
            await _stdout.WriteAsync(line);
            await _stdout.FlushAsync();
        }
    }

    /// <summary>Where a job's files go, as GNU parallel names it: ending in / for a directory of three files.</summary>
    private string Place(JobInput input, JobContext context)
    {
        string filled = _replacements.Apply(_name!, input.Values, context, @short: input.Arguments is not null);
        // Only a name that replacement strings changed is a template; any other is the root of a tree of the inputs.
        return filled != _name ? filled : $"{_name}/{InputsAsDirectories(input)}/";
    }

    /// <summary>
    /// The job's inputs as directories: for each argument, each value's source (its number, or its
    /// <c>--header</c> name), then the value, with <c>\</c>, tab, NUL and <c>/</c> written as <c>\\</c>,
    /// <c>\t</c>, <c>\0</c> and <c>\_</c> (so a value is always one directory), cut to 255 bytes.
    /// The sources go in GNU parallel's order: by their names as numbers, then as text.
    /// </summary>
    private string InputsAsDirectories(JobInput input)
    {
        var parts = new List<string>();
        foreach (IReadOnlyList<string> argument in input.Arguments ?? [input.Values])
        {
            IEnumerable<(string Header, string Value)> named = argument.Select((value, i) =>
                (i < _headers.Count && _headers[i].Length > 0 ? _headers[i] : (i + 1).ToString(CultureInfo.InvariantCulture), value));
            foreach ((string header, string value) in named.OrderBy(pair => PerlNumber(pair.Header)).ThenBy(pair => pair.Header, StringComparer.Ordinal))
            {
                parts.Add(header);
                parts.Add(Cut(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
                    .Replace("\0", "\\0", StringComparison.Ordinal).Replace("/", "\\_", StringComparison.Ordinal)));
            }
        }
        return string.Join('/', parts);
    }

    /// <summary>A name no longer than a directory's can be, cut at a character's edge.</summary>
    private static string Cut(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= NameMax)
        {
            return name;
        }
        int length = name.Length;
        while (Encoding.UTF8.GetByteCount(name.AsSpan(0, length)) > NameMax || char.IsHighSurrogate(name[length - 1]))
        {
            length--;
        }
        return name[..length];
    }

    /// <summary>A header as Perl's &lt;=&gt; reads it: its leading number, else 0.</summary>
    private static double PerlNumber(string text) =>
        LeadingNumber().Match(text) is { Success: true } match ? double.Parse(match.Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")]
    private static partial Regex LeadingNumber();

    /// <summary>Copies one of the job's streams into <paramref name="file"/>, and closes it.</summary>
    private static async Task KeepAsync(Func<Stream> output, FileStream file)
    {
        await using FileStream to = file;
        await using Stream from = output();
        await from.CopyToAsync(to);
    }

    /// <summary>A new file in the temporary directory ($TMPDIR, which <c>--tmpdir</c> sets), named as
    /// GNU parallel's: par, five random characters, .par; created new, so no file already there is reused.
    /// Its name is as GNU parallel prints it, in the directory as given.</summary>
    private static (FileStream File, string Path) NewTemporaryFile()
    {
        string directory = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/tmp";
        while (true)
        {
            string path = Path.Combine(directory, "par" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", 5) + ".par");
            try
            {
                // Readable by its owner only, as GNU parallel's (File::Temp) are: a shared /tmp is no place for a job's output.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                return (new FileStream(path, options), path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Taken: draw another name.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot write a file for --files in {directory}: {e.Message}; set --tmpdir or TMPDIR to a directory you can write");
            }
        }
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the --results file {path}: {e.Message}");
        }
    }

    private static void Create(string? directory)
    {
        try
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot make the --results directory {directory}: {e.Message}");
        }
    }

    /// <summary>Nothing to release: each file is closed once written.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
