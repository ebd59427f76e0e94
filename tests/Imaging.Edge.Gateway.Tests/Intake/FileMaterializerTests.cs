using Imaging.Edge.Gateway.Intake;
using Imaging.Edge.Gateway.Tests.Retention;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imaging.Edge.Gateway.Tests.Intake;

/// <summary>The file writer of small instances gives way to open associations, within a bound.</summary>
public sealed class FileMaterializerTests : IDisposable
{
    private readonly RetentionScene _scene = new();
    private int _associations;

    public void Dispose() => _scene.Dispose();

    private FileMaterializer Writer() =>
        new(_scene.Layout, _scene.Queue.PendingFiles, NullLogger<FileMaterializer>.Instance, () => Volatile.Read(ref _associations));

    [Fact]
    public async Task While_an_association_is_open_no_file_is_written_and_once_it_ends_every_file_is()
    {
        using var writer = Writer();
        Volatile.Write(ref _associations, 1);
        var ids = Enumerable.Range(0, 3).Select(_ => _scene.ReceiveSmall()).ToList();
        await writer.StartAsync(CancellationToken.None);
        await Until(() => writer.GaveWay >= 2); // it looked twice, found files waiting and wrote none of them
        Assert.True(writer.GaveWay >= 2, "the writer never gave way to the open association");

        Assert.True(writer.GivesWay());
        Assert.All(ids, id => Assert.False(_scene.HasFile(id)));
        Assert.Equal(3, _scene.Queue.PendingFiles.Waiting());

        Volatile.Write(ref _associations, 0); // the association ended: no new arrival wakes the writer, it looks again itself
        await Until(() => _scene.Queue.PendingFiles.Waiting() == 0);

        Assert.Equal(0, _scene.Queue.PendingFiles.Waiting());
        Assert.All(ids, id => Assert.True(_scene.FileIsIntact(id), $"#{id}: its file is missing or differs"));
        await writer.StopAsync(CancellationToken.None);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !condition() && DateTime.UtcNow < deadline;) await Task.Delay(20);
    }

    [Fact]
    public void Past_the_high_water_mark_the_writer_no_longer_gives_way()
    {
        using var writer = Writer();
        Volatile.Write(ref _associations, 2);
        for (var i = 0; i < FileMaterializer.HighWater - 1; i++) _scene.ReceiveSmall(size: 16);
        Assert.True(writer.GivesWay());

        _scene.ReceiveSmall(size: 16);

        Assert.False(writer.GivesWay());
        Assert.Equal(FileMaterializer.BatchSize, writer.MaterializeBatch());
        Assert.True(writer.GivesWay()); // below the mark again
    }

    [Fact]
    public void Without_an_open_association_the_writer_never_waits()
    {
        using var writer = Writer();
        _scene.ReceiveSmall();

        Assert.False(writer.GivesWay());
    }
}
