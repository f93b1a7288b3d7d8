using System.Buffers;
using System.Text;
using Subprocess.Cli.Inputs;

namespace Subprocess.Cli.Output;

/// <summary>
/// <c>--results NAME.csv</c>, <c>.tsv</c> or <c>.json</c> (<c>-.csv</c> and the like: on stdout), as
/// GNU parallel 20221122 writes them: a record per finished job, with the job log's columns, the
/// job's values, and its whole stdout and stderr (each line after the tag under <c>--tag</c>). A CSV or
/// TSV starts with a header line (the values named V1, V2... as Perl counts, or by <c>--header</c>).
/// Output goes into the table only; the job's bytes are kept as bytes, whatever their encoding.
/// </summary>
internal sealed class ResultTable : IJobResults
{
    /// <summary>What makes GNU parallel quote a field (beside the separator): a quote, white space, NUL.</summary>
    private static readonly SearchValues<byte> Quoting = SearchValues.Create("\" \t\n\r\f\v\0"u8);

    private static readonly string[] LogColumns = ["Seq", "Host", "Starttime", "JobRuntime", "Send", "Receive", "Exitval", "Signal", "Command"];

    private readonly Stream _table;
    private readonly bool _owned;
    private readonly byte? _separator;
    private readonly IReadOnlyList<string> _headers;
    private bool _headed;

    private ResultTable(Stream table, bool owned, byte? separator, IReadOnlyList<string> headers) =>
        (_table, _owned, _separator, _headers) = (table, owned, separator, headers);

    /// <summary>The table <paramref name="name"/> asks for, or null when it names no table (a directory, a template).</summary>
    /// <param name="name">The <c>--results</c> name.</param>
    /// <param name="headers">The <c>--header</c> names of the values, if any.</param>
    /// <param name="stdout">Where <c>-.csv</c>, <c>-.tsv</c> and <c>-.json</c> go.</param>
    /// <exception cref="UsageException">The file cannot be written.</exception>
    public static ResultTable? For(string name, IReadOnlyList<string> headers, Stream stdout)
    {
        if (!Names(name))
        {
            return null;
        }
        byte? separator = Path.GetExtension(name).ToUpperInvariant() switch { ".CSV" => (byte)',', ".TSV" => (byte)'\t', _ => null };
        if (name is "-.csv" or "-.tsv" or "-.json")
        {
            return new ResultTable(stdout, owned: false, separator, headers);
        }
        try
        {
            // Made at the start, as GNU parallel makes it, so a bad name fails before any job runs.
            return new ResultTable(new FileStream(name, FileMode.Create, FileAccess.Write), owned: true, separator, headers);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the --results file {name}: {e.Message}");
        }
    }

    /// <summary>Whether the <c>--results</c> name is a table's: it ends in .csv, .tsv or .json, in any case.</summary>
    public static bool Names(string name) => Path.GetExtension(name).ToUpperInvariant() is ".CSV" or ".TSV" or ".JSON";

    /// <inheritdoc/>
    public async Task WriteAsync(JobResult job, JobInput input, byte[]? tag, string command)
    {
        string[] columns = JobLog.Columns(job, input.Number, command);
        byte[] stdout = Tagged(await ReadAllAsync(job.OpenStdout()), tag);
        byte[] stderr = Tagged(await ReadAllAsync(job.OpenStderr()), tag);
        var record = new MemoryStream();
        if (_separator is byte separator)
        {
            if (!_headed)
            {
                IEnumerable<string> names = _headers.Count > 0
                    ? input.Values.Select((_, i) => i < _headers.Count ? _headers[i] : "")
                    : input.Values.Select((_, i) => VariableName(i + 1));
                WriteRow(record, separator, [.. LogColumns.Concat(names).Concat(["Stdout", "Stderr"]).Select(Encoding.UTF8.GetBytes)]);
                _headed = true;
            }
            WriteRow(record, separator, [.. columns.Concat(input.Values).Select(Encoding.UTF8.GetBytes), stdout, stderr]);
        }
        else
        {
            WriteJson(record, columns, input.Values, stdout, stderr);
        }
        record.Position = 0;
        await record.CopyToAsync(_table);
        await _table.FlushAsync();
    }

    /// <summary>A CSV or TSV row as GNU parallel writes one: a field holding a quote, white space, the
    /// separator or a NUL is quoted, its quotes doubled; the row ends with \n.</summary>
    private static void WriteRow(MemoryStream row, byte separator, IReadOnlyList<byte[]> fields)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                row.WriteByte(separator);
            }
            byte[] field = fields[i];
            if (!field.AsSpan().ContainsAny(Quoting) && !field.AsSpan().Contains(separator))
            {
                row.Write(field);
                continue;
            }
            row.WriteByte((byte)'"');
            foreach (byte b in field)
            {
                if (b == '"')
                {
                    row.WriteByte(b);
                }
                row.WriteByte(b);
            }
            row.WriteByte((byte)'"');
        }
        row.WriteByte((byte)'\n');
    }

    /// <summary>A JSON line as GNU parallel writes one, its fields in its order and spacing.</summary>
    private static void WriteJson(MemoryStream line, string[] columns, IReadOnlyList<string> values, byte[] stdout, byte[] stderr)
    {
        void Text(string text) => line.Write(Encoding.UTF8.GetBytes(text));
        Text($"{{ \"Seq\": {columns[0]}, \"Host\": \"{columns[1]}\", \"Starttime\": {columns[2]}, \"JobRuntime\": {columns[3]}, " +
             $"\"Send\": {columns[4]}, \"Receive\": {columns[5]}, \"Exitval\": {columns[6]}, \"Signal\": {columns[7]}, \"Command\": \"");
        Quoted(line, Encoding.UTF8.GetBytes(columns[8]));
        Text("\", \"V\": [ ");
        for (int i = 0; i < values.Count; i++)
        {
            Text(i > 0 ? ",\"" : "\"");
            Quoted(line, Encoding.UTF8.GetBytes(values[i]));
            Text("\"");
        }
        Text(" ], \"Stdout\": \"");
        Quoted(line, stdout);
        Text("\", \"Stderr\": \"");
        Quoted(line, stderr);
        Text("\" }\n");
    }

    /// <summary>GNU parallel's JSON quoting: \ and " escaped, control characters as \u00XX, the rest as it is.</summary>
    private static void Quoted(MemoryStream line, byte[] text)
    {
        foreach (byte b in text)
        {
            if (b < 0x20)
            {
                line.Write(Encoding.ASCII.GetBytes($"\\u{b:x4}"));
                continue;
            }
            if (b is (byte)'\\' or (byte)'"')
            {
                line.WriteByte((byte)'\\');
            }
            line.WriteByte(b);
        }
    }

    /// <summary>The <paramref name="n"/>th value's column name: "V1" counted up as Perl's ++ counts a
    /// string, as GNU parallel names them (V9 is followed by W0).</summary>
    private static string VariableName(int n)
    {
        char[] name = ['V', '1'];
        for (int i = 1; i < n; i++)
        {
            name = PerlIncrement(name);
        }
        return new string(name);
    }

    private static char[] PerlIncrement(char[] name)
    {
        for (int i = name.Length - 1; i >= 0; i--)
        {
            (char wrapped, char first) = name[i] switch { '9' => ('0', '1'), 'z' => ('a', 'a'), 'Z' => ('A', 'A'), _ => ('\0', '\0') };
            if (wrapped == '\0')
            {
                name[i]++;
                return name;
            }
            name[i] = wrapped;
            if (i == 0)
            {
                return [first, .. name];
            }
        }
        return name;
    }

    /// <summary>Each line of <paramref name="output"/> after <paramref name="tag"/>, as GNU parallel keeps
    /// tagged output for a table (and prints it: <see cref="TaggedCopy"/>).</summary>
    private static byte[] Tagged(byte[] output, byte[]? tag)
    {
        if (tag is null || output.Length == 0)
        {
            return output;
        }
        var tagged = new MemoryStream(output.Length + tag.Length);
        TaggedCopy.Write(output, tag, tagged);
        return tagged.ToArray();
    }

    private static async Task<byte[]> ReadAllAsync(Stream output)
    {
        await using (output)
        {
            var all = new MemoryStream();
            await output.CopyToAsync(all);
            return all.ToArray();
        }
    }

    /// <summary>Closes the table's file (not stdout).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await _table.DisposeAsync();
        }
    }
}
