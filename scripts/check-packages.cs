// Checks the packages `dotnet pack` made, as a publisher would before pushing them:
//   dotnet run scripts/check-packages.cs -- DIR ASSEMBLY...
// Every DIR/*.nupkg must have a license expression, a readme that is inside it, and the commit it was
// built from; every ASSEMBLY (a name, as Subprocess or subproc) found in one as a managed .dll must have
// its portable PDB in the matching .snupkg, the PDB the one that build wrote (same ID), and each source
// file of it reachable by a debugger: embedded in the PDB or mapped to a URL by its SourceLink.
// Prints what it checked; exits 1 naming every problem.
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;

if (args.Length < 2 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: dotnet run scripts/check-packages.cs -- DIR ASSEMBLY...");
    return 2;
}

var ours = args[1..].ToHashSet(StringComparer.Ordinal);
var problems = new List<string>();
var assembliesFound = 0;
var packages = Directory.GetFiles(args[0], "*.nupkg").Order(StringComparer.Ordinal).ToList();
if (packages.Count == 0)
    problems.Add($"{args[0]}: no .nupkg");

foreach (var path in packages)
{
    var name = Path.GetFileName(path);
    using var package = ZipFile.OpenRead(path);
    var metadata = Nuspec.Metadata(package);
    var found = new List<string>();

    var license = metadata.Child("license");
    if (license?.Attribute("type")?.Value != "expression" || string.IsNullOrWhiteSpace(license.Value))
        problems.Add($"{name}: no license expression in the nuspec");
    else
        found.Add($"license {license.Value}");

    var readme = metadata.Child("readme")?.Value;
    if (string.IsNullOrEmpty(readme))
        problems.Add($"{name}: no readme in the nuspec");
    else if (package.GetEntry(readme) is not { Length: > 0 })
        problems.Add($"{name}: the nuspec names readme {readme}, which is not in the package");
    else
        found.Add($"readme {readme}");

    // The commit is always known in a clone; the URL only where origin is a real host, and none is invented.
    var repository = metadata.Child("repository");
    var commit = repository?.Attribute("commit")?.Value;
    var url = repository?.Attribute("url")?.Value;
    if (commit is not { Length: 40 })
        problems.Add($"{name}: no repository commit in the nuspec");
    else if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
        problems.Add($"{name}: repository url {url} is not an https URL");
    else
        found.Add($"commit {commit[..12]}" + (url is null ? " (no remote URL)" : $" at {url}"));

    var assemblies = package.Entries
        .Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal) && ours.Contains(Path.GetFileNameWithoutExtension(e.Name)))
        .ToList();
    assembliesFound += assemblies.Count;
    if (assemblies.Count > 0)
    {
        var symbolsPath = Path.ChangeExtension(path, ".snupkg");
        if (!File.Exists(symbolsPath))
        {
            problems.Add($"{name}: no {Path.GetFileName(symbolsPath)} beside it");
        }
        else
        {
            using var symbols = ZipFile.OpenRead(symbolsPath);
            foreach (var assembly in assemblies)
            {
                var verdict = Symbols.Check(assembly, symbols);
                if (verdict.Problem is not null)
                    problems.Add($"{name}: {assembly.FullName}: {verdict.Problem}");
                else
                    found.Add($"{assembly.Name} {verdict.Found}");
            }
        }
    }

    Console.WriteLine($"{name}: {string.Join("; ", found)}");
}

if (packages.Count > 0 && assembliesFound == 0)
    problems.Add($"none of {string.Join(", ", ours)} is in any package, so no symbols were checked");
foreach (var problem in problems)
    Console.Error.WriteLine($"check-packages: {problem}");
return problems.Count == 0 ? 0 : 1;

static class Nuspec
{
    public static XElement Metadata(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    public static XElement? Child(this XElement metadata, string name) => metadata.Element(metadata.Name.Namespace + name);
}

static class Symbols
{
    // The kinds of custom debug information a debugger reads sources from (Portable PDB spec).
    static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    public static (string? Found, string? Problem) Check(ZipArchiveEntry assembly, ZipArchive symbols)
    {
        var pdbPath = Path.ChangeExtension(assembly.FullName, ".pdb");
        if (symbols.GetEntry(pdbPath) is not { } pdbEntry)
            return (null, $"no {pdbPath} in the symbols package");

        using var pe = new PEReader(Copy(assembly));
        var codeView = pe.ReadDebugDirectory().Where(d => d.Type == DebugDirectoryEntryType.CodeView).ToList();
        if (codeView.Count != 1)
            return (null, "no CodeView entry naming its PDB");
        var expectedId = pe.ReadCodeViewDebugDirectoryData(codeView[0]).Guid;

        MetadataReaderProvider provider;
        try { provider = MetadataReaderProvider.FromPortablePdbStream(Copy(pdbEntry)); }
        catch (BadImageFormatException) { return (null, $"{pdbPath} is not a portable PDB"); }
        using (provider)
        {
            MetadataReader pdb;
            try { pdb = provider.GetMetadataReader(); }
            catch (BadImageFormatException) { return (null, $"{pdbPath} is not a portable PDB"); }
            if (new Guid(pdb.DebugMetadataHeader!.Id.AsSpan(0, 16)) != expectedId)
                return (null, $"{pdbPath} is not the PDB this assembly was built with (IDs differ)");
            return Sources(pdb);
        }
    }

    static (string? Found, string? Problem) Sources(MetadataReader pdb)
    {
        var prefixes = new List<string>();
        foreach (var handle in pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            var info = pdb.GetCustomDebugInformation(handle);
            if (pdb.GetGuid(info.Kind) != SourceLinkKind)
                continue;
            using var json = JsonDocument.Parse(pdb.GetBlobBytes(info.Value));
            foreach (var document in json.RootElement.GetProperty("documents").EnumerateObject())
                prefixes.Add(document.Name.TrimEnd('*'));
        }

        int embedded = 0, linked = 0;
        var unreachable = new List<string>();
        foreach (var handle in pdb.Documents)
        {
            var path = pdb.GetString(pdb.GetDocument(handle).Name);
            if (pdb.GetCustomDebugInformation(handle).Any(h => pdb.GetGuid(pdb.GetCustomDebugInformation(h).Kind) == EmbeddedSourceKind))
                embedded++;
            else if (prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
                linked++;
            else
                unreachable.Add(path);
        }

        if (embedded + linked == 0)
            return (null, "its PDB lists no source document");
        if (unreachable.Count > 0)
            return (null, $"{unreachable.Count} source files neither embedded nor in SourceLink, as {unreachable[0]}");
        return ($"PDB: {embedded} sources embedded, {linked} by SourceLink", null);
    }

    // Zip entries cannot seek; the readers need to.
    static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open())
            stream.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }
}
