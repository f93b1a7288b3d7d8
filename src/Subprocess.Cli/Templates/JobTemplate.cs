namespace Subprocess.Cli.Templates;

/// <summary>
/// The command each job runs, made from the template and the job's inputs: a library
/// <see cref="Pipeline"/> joined by kernel pipes, or with <c>--shell</c> a <c>/bin/sh -c</c> script.
/// </summary>
internal sealed record JobTemplate
{
    private readonly List<Token> _tokens;
    private readonly ShellTemplate? _shell;
    private readonly bool _appendInputs;

    /// <summary>
    /// Whether a word holding <c>{}</c> (or <c>{.}</c>, <c>{/}</c>...) is repeated for each of a job's
    /// arguments (GNU parallel's context replace: <c>-X</c>, <c>-N</c>, <c>-L</c>) rather than given them
    /// all, joined by spaces (<c>-m</c>, <c>-n</c>).
    /// </summary>
    public bool RepeatsWords { get; private init; }

    /// <summary>The replacement strings the template's holes are found and filled with (<c>-I</c>, <c>--plus</c>).</summary>
    public Replacements Replacements { get; }

    /// <summary>The niceness every command of a job runs at (<c>--nice</c>: each stage, or the shell, under
    /// <c>nice -n</c>, so a pipeline's every command is niced); null: this process's own.</summary>
    public int? Niceness { get; init; }

    private JobTemplate(List<Token> tokens, ShellTemplate? shell, Replacements replacements)
    {
        _tokens = tokens;
        _shell = shell;
        Replacements = replacements;
        _appendInputs = shell is null && !tokens.Any(t => t.Kind == TokenKind.Word && replacements.Present(t.Text));
    }

    /// <summary>
    /// One word is a template to split with shell quoting rules; several words were split by the
    /// caller's shell already. No words: each input is itself a command line, run by the shell.
    /// </summary>
    /// <exception cref="UsageException">The template is malformed.</exception>
    /// <param name="words">The template's words.</param>
    /// <param name="shell">Run each job with <c>/bin/sh -c</c>.</param>
    /// <param name="repeatWords">See <see cref="RepeatsWords"/>.</param>
    /// <param name="replacements">See <see cref="Replacements"/>; null: <see cref="Replacements.Gnu"/>.</param>
    /// <param name="literal">Take even one word as it is, not split (<c>-q</c>): <c>'my program'</c> is the program's name.</param>
    public static JobTemplate Parse(IReadOnlyList<string> words, bool shell, bool repeatWords = false, Replacements? replacements = null, bool literal = false)
    {
        replacements ??= Replacements.Gnu;
        if (words.Count == 0)
        {
            return new JobTemplate([], shell: null, replacements) { InputIsCommand = true };
        }
        if (shell)
        {
            // -q's words for a shell (a remote host's): each quoted, so the shell reads them as they are.
            string script = literal ? string.Join(' ', words.Select(GnuQuote.Word)) : string.Join(' ', words);
            return new JobTemplate([], ShellTemplate.Parse(script, replacements), replacements) { RepeatsWords = repeatWords };
        }
        List<Token> tokens = words.Count == 1 && !literal ? TemplateLexer.Split(words[0], replacements) : TemplateLexer.FromWords(words);
        Validate(tokens);
        return new JobTemplate(tokens, shell: null, replacements) { RepeatsWords = repeatWords };
    }

    /// <summary>No template was given: each input line is the command (GNU parallel's behaviour).</summary>
    private bool InputIsCommand { get; init; }

    /// <summary>
    /// The job for <paramref name="inputs"/>: the first stage reads <paramref name="stdin"/>, the last
    /// stage's stdout goes to <paramref name="stdout"/> and each stage's stderr to a target from
    /// <paramref name="stderr"/> (one per stage, so stages writing at once never share a partial line),
    /// wherever the template does not redirect them itself; null leaves stdin as this process's and the
    /// outputs to be captured.
    /// </summary>
    /// <param name="inputs">The job's values (see <see cref="Inputs.JobInput.Values"/>).</param>
    /// <param name="context">Its number and slot.</param>
    /// <param name="stdout">Where the last stage's stdout goes, or null.</param>
    /// <param name="stderr">Where each stage's stderr goes, or null.</param>
    /// <param name="arguments">A job of several arguments: each one's values, or null.</param>
    /// <param name="stdin">What the first stage reads (<c>--pipe</c>'s block), or null.</param>
    /// <param name="remote">The host the job runs on and its files (its template then a shell script, whole), or null for this machine.</param>
    public Pipeline Build(IReadOnlyList<string> inputs, JobContext context, Stdio? stdout = null, Func<Stdio>? stderr = null,
        IReadOnlyList<IReadOnlyList<string>>? arguments = null, Stdio? stdin = null, Remote.RemoteJob? remote = null)
    {
        if (_shell is null && !InputIsCommand)
        {
            return BuildPipeline(inputs, context, stdin, stdout, stderr, arguments);
        }
        // With no template, the input is itself the command line, as the user wrote it.
        string script = _shell?.Fill(inputs, context, arguments) ?? string.Join(' ', inputs);
        script = remote?.Wrap(script) ?? script;
        Command command = Numbered(Niceness is int nice ? Niced(nice, ["/bin/sh", "-c", script]) : Command.Shell(script), context);
        if (remote is not null)
        {
            command = remote.Environment.Aggregate(command.OnHost(remote.Host), (with, variable) => with.WithEnvironment(variable.Name, variable.Value));
        }
        // After files sent ahead, the stdin is their stream (--transferfile and --pipe are never given together).
        Command? sender = remote?.Sender;
        command = stdin is null || sender is not null ? command : command.WithStdin(stdin);
        command = stdout is null ? command : command.WithStdout(stdout);
        command = stderr is null ? command : command.WithStderr(stderr());
        // The files sent ahead of the job (--transferfile) come down its own session, packed here.
        return sender is null ? Pipeline.Create(command) : sender | command;
    }

    private Pipeline BuildPipeline(IReadOnlyList<string> inputs, JobContext context, Stdio? defaultStdin, Stdio? defaultStdout,
        Func<Stdio>? defaultStderr, IReadOnlyList<IReadOnlyList<string>>? arguments)
    {
        var stages = new List<Command>();
        var words = new List<string>();
        Stdio? stdin = null, stdout = null, stderr = null;
        for (int i = 0; i < _tokens.Count; i++)
        {
            Token token = _tokens[i];
            switch (token.Kind)
            {
                case TokenKind.Word:
                    words.AddRange(Words(token.Text, inputs, context, arguments));
                    break;
                case TokenKind.Pipe:
                    stages.Add(Stage(last: false));
                    break;
                case TokenKind.StdinFrom:
                    stdin = Stdio.File(Fill(_tokens[++i]));
                    break;
                case TokenKind.StdoutTo or TokenKind.StdoutAppend:
                    stdout = Stdio.File(Fill(_tokens[++i]), append: token.Kind == TokenKind.StdoutAppend);
                    break;
                // As in a shell, the last redirection of stderr wins; 2>&1 follows stdout wherever it goes.
                case TokenKind.StderrTo or TokenKind.StderrAppend:
                    stderr = Stdio.File(Fill(_tokens[++i]), append: token.Kind == TokenKind.StderrAppend);
                    break;
                case TokenKind.StderrToStdout:
                    stderr = Stdio.ToStdout;
                    break;
            }
        }
        if (_appendInputs)
        {
            words.AddRange(inputs);
        }
        stages.Add(Stage(last: true));
        return Pipeline.Create(stages);

        string Fill(Token word) => Replacements.Apply(word.Text, inputs, context);

        Command Stage(bool last)
        {
            Command command = Numbered(Niceness is int nice ? Niced(nice, words) : Command.Create(words[0], words.Skip(1)), context);
            // Only the first stage reads the job's stdin; the others read the pipe before them.
            if ((stdin ?? (stages.Count == 0 ? defaultStdin : null)) is Stdio input)
            {
                command = command.WithStdin(input);
            }
            // A stage before a | writes into the pipe; only the last one's stdout is the job's.
            if ((stdout ?? (last ? defaultStdout : null)) is Stdio output)
            {
                command = command.WithStdout(output);
            }
            if ((stderr ?? defaultStderr?.Invoke()) is Stdio errors)
            {
                command = command.WithStderr(errors);
            }
            (words, stdin, stdout, stderr) = ([], null, null, null);
            return command;
        }
    }

    /// <summary>The variables GNU parallel gives each job: its number, its slot, and the runner's PID, which
    /// scripts use as <c>{#}</c>, <c>{%}</c> and a name for shared temporary files.</summary>
    private static Command Numbered(Command command, JobContext context) => command
        .WithEnvironment("PARALLEL_SEQ", context.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithEnvironment("PARALLEL_JOBSLOT", context.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithEnvironment("PARALLEL_PID", ProcessId);

    private static readonly string ProcessId = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Command Niced(int niceness, IEnumerable<string> words) =>
        Command.Create("nice", ["-n", niceness.ToString(System.Globalization.CultureInfo.InvariantCulture), .. words]);

    /// <summary>The command line shown by --dry-run, with <paramref name="inputs"/> filled in and redirections kept.</summary>
    public string Describe(IReadOnlyList<string> inputs, JobContext context, IReadOnlyList<IReadOnlyList<string>>? arguments = null)
    {
        if (_shell is not null || InputIsCommand)
        {
            return Build(inputs, context, arguments: arguments).Commands[0].Arguments[1];
        }
        var words = _tokens.SelectMany(t => t.Kind == TokenKind.Word
            ? Words(t.Text, inputs, context, arguments).Select(GnuQuote.Word)
            : [t.Text]);
        return string.Join(' ', _appendInputs ? words.Concat(inputs.Select(GnuQuote.Word)) : words);
    }

    /// <summary>A template word filled in: one word, or, under <see cref="RepeatsWords"/>, one for each of
    /// the job's arguments when the word holds <c>{}</c> or a form of it (<c>{1}</c> and <c>{#}</c> name one thing).</summary>
    private IEnumerable<string> Words(string word, IReadOnlyList<string> inputs, JobContext context, IReadOnlyList<IReadOnlyList<string>>? arguments) =>
        RepeatsWords && arguments is { Count: > 0 } && Replacements.Find(word).Any(Replacements.StandsForEach)
            ? arguments.Select(argument => Replacements.Apply(word, argument, context))
            : [Replacements.Apply(word, inputs, context, @short: arguments is not null)];

    private static void Validate(List<Token> tokens)
    {
        bool stageHasWords = false;
        // Where this stage's stderr was last sent: to stdout (2>&1), and whether stdout moved after that.
        bool stderrToStdout = false, stdoutMovedSince = false;
        for (int i = 0; i < tokens.Count; i++)
        {
            switch (tokens[i].Kind)
            {
                case TokenKind.Word:
                    stageHasWords = true;
                    break;
                case TokenKind.Pipe:
                    if (!stageHasWords || i == tokens.Count - 1)
                    {
                        throw new UsageException("'|' in the command template needs a command on each side");
                    }
                    RefuseStderrLeftBehind();
                    (stageHasWords, stderrToStdout, stdoutMovedSince) = (false, false, false);
                    break;
                case TokenKind.StderrToStdout:
                    (stderrToStdout, stdoutMovedSince) = (true, false);
                    break;
                case TokenKind.StdinFrom or TokenKind.StdoutTo or TokenKind.StdoutAppend or TokenKind.StderrTo or TokenKind.StderrAppend:
                    if (tokens[i].Kind is TokenKind.StderrTo or TokenKind.StderrAppend)
                    {
                        stderrToStdout = false;
                    }
                    stdoutMovedSince |= tokens[i].Kind is TokenKind.StdoutTo or TokenKind.StdoutAppend;
                    if (i + 1 >= tokens.Count || tokens[i + 1].Kind != TokenKind.Word)
                    {
                        throw new UsageException($"'{tokens[i].Text}' in the command template needs a file name after it");
                    }
                    i++;
                    break;
            }
        }
        RefuseStderrLeftBehind();
        if (!stageHasWords)
        {
            throw new UsageException("the command template has no command in it");
        }
        int pipes = tokens.Count(t => t.Kind == TokenKind.Pipe);
        int firstPipe = tokens.FindIndex(t => t.Kind == TokenKind.Pipe);
        int lastPipe = tokens.FindLastIndex(t => t.Kind == TokenKind.Pipe);
        if (pipes > 0 && tokens.FindIndex(t => t.Kind == TokenKind.StdinFrom) > firstPipe)
        {
            throw new UsageException("'<' can only feed the first command of a pipeline");
        }
        if (pipes > 0 && tokens.FindIndex(t => t.Kind is TokenKind.StdoutTo or TokenKind.StdoutAppend) is int o && o >= 0 && o < lastPipe)
        {
            throw new UsageException("'>' can only take the output of the last command of a pipeline");
        }

        void RefuseStderrLeftBehind()
        {
            if (stderrToStdout && stdoutMovedSince)
            {
                throw StderrLeftBehind();
            }
        }
    }

    /// <summary>
    /// subproc's 2>&amp;1 follows stdout wherever it ends up; a shell's sends stderr where stdout was
    /// at that point. The two differ only when the last word on stderr is a 2>&amp;1 that a later
    /// stdout redirection leaves behind (<c>2>&amp;1 > log</c>): refused, not quietly read the other way.
    /// </summary>
    private static UsageException StderrLeftBehind() => new(
        "'2>&1' before '>' sends stderr where stdout was, an order subproc does not build; " +
        "write '> FILE 2>&1', or add --shell to run each job with /bin/sh -c");
}
