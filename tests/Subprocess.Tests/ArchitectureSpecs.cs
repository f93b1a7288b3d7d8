using System.Text.RegularExpressions;

namespace Subprocess.Tests;

/// <summary>The library's folders are layers (ARCHITECTURE.md): each uses only the ones below it, and
/// none but the top builds or holds the public handles. Read from the source, so a change that breaks
/// the shape fails here rather than in review.</summary>
public partial class ArchitectureSpecs : Spec
{
    /// <summary>Each internal layer and the layers it may use, bottom up.</summary>
    public static TheoryData<string, string[]> Layers => new()
    {
        { "Native", [] },
        { "ShellScripts", [] },
        { "Telemetry", ["Native"] },
        { "Waiting", ["Native"] },
        { "Pipes", ["Native", "Telemetry", "Waiting"] },
        { "Launching", ["Native"] },
        { "Spawning", ["Native", "Telemetry", "Waiting", "Pipes", "Launching"] },
        { "Running", ["Native", "Telemetry", "Waiting", "Pipes", "Launching", "Spawning"] },
        { "Testing", ["Native", "Telemetry", "Waiting", "Pipes", "Launching", "Spawning", "Running"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_layer_uses_only_the_layers_below_it(string layer, string[] below)
    {
        string[] layers = ["Native", "ShellScripts", "Telemetry", "Waiting", "Pipes", "Launching", "Spawning", "Running", "Testing"];
        foreach ((string file, string code) in Sources(layer))
        {
            foreach (Match use in LayerReference().Matches(code))
            {
                string used = use.Groups["layer"].Value;
                Assert.True(used == layer || below.Contains(used) || !layers.Contains(used),
                    $"{file} uses {used}, which is not below {layer}");
            }
        }
    }

    /// <summary>The internal layers, every one below the public handles.</summary>
    public static TheoryData<string> LayerNames => [.. Layers.Select(row => row.Data.Item1)];

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Only_the_top_builds_or_holds_the_public_handles(string layer)
    {
        foreach ((string file, string code) in Sources(layer))
        {
            Assert.False(Handle().IsMatch(code), $"{file} refers to ChildProcess or PipelineProcess, which sit above it");
        }
    }

    /// <summary>The code of each file in <paramref name="folder"/>, comments left out.</summary>
    private static IEnumerable<(string File, string Code)> Sources(string folder)
    {
        string directory = Path.Combine(Repository.Root, "src", "Subprocess", folder);
        string[] files = Directory.GetFiles(directory, "*.cs");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            string code = string.Join('\n', File.ReadLines(file).Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            yield return (Path.GetFileName(file), code);
        }
    }

    [GeneratedRegex(@"\bSubprocess\.(?<layer>\w+)\b|(?<![\w.])(?<layer>Native|Telemetry|Waiting|Pipes|Launching|Spawning|Running|Testing)\.\w")]
    private static partial Regex LayerReference();

    [GeneratedRegex(@"\b(ChildProcess|PipelineProcess)\b")]
    private static partial Regex Handle();
}
