using Subprocess.Tests.Infrastructure;

namespace Subprocess.Tests;

/// <summary>Environment and working directory reach the child exactly.</summary>
public class EnvironmentSpecs : Spec
{
    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_variable_set_on_the_command_reaches_the_child(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        CapturedResult result = await Command.Shell("printf %s \"$GREETING\"").WithEnvironment("GREETING", "héllo wörld").CaptureAsync();
        Assert.Equal("héllo wörld", result.StdoutText);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task The_parents_environment_is_inherited_and_null_removes_a_variable(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string name = $"SUBPROC_TEST_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, "from-parent");
        try
        {
            Command printIt = Command.Shell("printf '%s|' \"${" + name + "-unset}\"");
            Assert.Equal("from-parent|", (await printIt.CaptureAsync()).StdoutText);
            Assert.Equal("unset|", (await printIt.WithEnvironment(name, (string?)null).CaptureAsync()).StdoutText);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task A_change_to_the_parents_environment_between_spawns_reaches_the_next_child()
    {
        // The encoded environment is reused between spawns; this pins that a set, a change of
        // value and a removal are each seen by the very next spawn.
        string name = $"SUBPROC_TEST_{Guid.NewGuid():N}";
        Command printIt = Command.Shell("printf '%s' \"${" + name + "-unset}\"");
        try
        {
            Assert.Equal("unset", (await printIt.CaptureAsync()).StdoutText);
            Environment.SetEnvironmentVariable(name, "one");
            Assert.Equal("one", (await printIt.CaptureAsync()).StdoutText);
            Environment.SetEnvironmentVariable(name, "two");
            Assert.Equal("two", (await printIt.CaptureAsync()).StdoutText);
            Environment.SetEnvironmentVariable(name, null);
            Assert.Equal("unset", (await printIt.CaptureAsync()).StdoutText);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task A_clean_environment_holds_only_what_the_command_adds(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        CapturedResult result = await Command.Create("/usr/bin/env").WithCleanEnvironment().WithEnvironment("ONLY", "me").CaptureAsync();
        Assert.Equal("ONLY=me\n", result.StdoutText);
    }

    [NativeFact("passes only valid UTF-8", Timeout = 20_000)]
    public async Task A_raw_byte_value_that_is_not_UTF8_reaches_the_child_byte_for_byte()
    {
        byte[] raw = [0xe2, (byte)'4', (byte)'U', (byte)'\n', 0xd0, (byte)'Q', (byte)'l', (byte)'3', (byte)'S', 0x11];
        CapturedResult result = await Command.Shell("printf %s \"$RAW\"").WithEnvironment("RAW", raw).CaptureAsync();
        Assert.Equal(raw, result.Stdout);
    }

    [Fact(Timeout = 20_000)]
    public async Task The_portable_spawner_refuses_a_non_UTF8_value_clearly()
    {
        using var spawner = Spawner.Use(SpawnerKind.Portable);
        Command command = Command.Create("true").WithEnvironment("RAW", [0xff, 0xfe]);
        var error = await Assert.ThrowsAsync<ProcessStartException>(() => command.RunAsync());
        Assert.Contains("RAW is not valid UTF-8", error.Message);
        Assert.DoesNotContain("\xff", error.Message);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Spawner.Both), MemberType = typeof(Spawner))]
    public async Task The_child_starts_in_the_working_directory(SpawnerKind kind)
    {
        using var spawner = Spawner.Use(kind);
        string dir = Directory.CreateTempSubdirectory("subproc-cwd-").FullName;
        try
        {
            CapturedResult result = await Command.Create("pwd").WithWorkingDirectory(dir).CaptureAsync();
            Assert.Equal(dir + "\n", result.StdoutText);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task A_relative_program_path_is_relative_to_the_working_directory()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-rel-").FullName;
        try
        {
            await Scripts.WriteExecutable(Path.Combine(dir, "hello.sh"), "echo from script");

            CapturedResult result = await Command.Create("./hello.sh").WithWorkingDirectory(dir).CaptureAsync();
            Assert.Equal("from script\n", result.StdoutText);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task The_program_is_looked_up_on_the_childs_PATH()
    {
        string dir = Directory.CreateTempSubdirectory("subproc-path-").FullName;
        try
        {
            await Scripts.WriteExecutable(Path.Combine(dir, "only-here"), "echo found on child PATH");

            CapturedResult result = await Command.Create("only-here").WithEnvironment("PATH", $"{dir}:/usr/bin:/bin").CaptureAsync();
            Assert.Equal("found on child PATH\n", result.StdoutText);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
