using Subprocess.Spawning;

namespace Subprocess.Tests;

public class SpawnerSelectionSpecs : Spec
{
    [Fact]
    public void Linux_uses_the_native_spawner_unless_SUBPROCESS_SPAWNER_says_portable()
    {
        Assert.Equal("SUBPROCESS_SPAWNER", Spawners.SelectorVariable);
        Assert.Same(LinuxSpawner.Instance, Spawners.Select(null));
        Assert.Same(LinuxSpawner.Instance, Spawners.Select("native"));
        Assert.Same(PortableSpawner.Instance, Spawners.Select("portable"));
        Assert.Same(PortableSpawner.Instance, Spawners.Select("Portable"));
    }
}
