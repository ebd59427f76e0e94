using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.CloudSync.Tests.Stores;

public sealed class RangeStreamTests
{
    private static readonly byte[] Data = Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)).ToArray();

    private static RangeStream Window(long start, long length)
    {
        var inner = new MemoryStream(Data) { Position = start };
        return new RangeStream(inner, length);
    }

    private static byte[] ReadAll(Stream stream, int bufferSize)
    {
        var copy = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) copy.Write(buffer, 0, read);
        return copy.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Reads_exactly_the_window(int bufferSize)
    {
        using var range = Window(100, 250);

        Assert.Equal(Data[100..350], ReadAll(range, bufferSize));
        Assert.Equal(250, range.Length);
        Assert.Equal(250, range.Position);
    }

    [Fact]
    public async Task Reads_exactly_the_window_asynchronously()
    {
        await using var range = Window(900, 100);
        var copy = new MemoryStream();

        await range.CopyToAsync(copy);

        Assert.Equal(Data[900..], copy.ToArray());
    }

    [Fact]
    public void A_zero_length_window_reads_nothing()
    {
        using var range = Window(10, 0);

        Assert.Equal(0, range.Read(new byte[10], 0, 10));
    }

    [Fact]
    public void Seeking_back_to_the_start_reads_the_window_again()
    {
        using var range = Window(100, 250);
        ReadAll(range, 64);

        range.Seek(0, SeekOrigin.Begin);

        Assert.Equal(Data[100..350], ReadAll(range, 64));
    }

    [Fact]
    public void Setting_position_inside_the_window_reads_from_there_to_its_end()
    {
        using var range = Window(100, 250);

        range.Position = 200;

        Assert.Equal(Data[300..350], ReadAll(range, 64));
    }

    [Fact]
    public void Seek_from_current_and_from_end_stay_in_window_coordinates()
    {
        using var range = Window(100, 250);
        range.ReadExactly(new byte[10], 0, 10);

        Assert.Equal(15, range.Seek(5, SeekOrigin.Current));
        Assert.Equal(Data[115], ReadAll(range, 1)[0]);
        Assert.Equal(240, range.Seek(-10, SeekOrigin.End));
        Assert.Equal(Data[340..350], ReadAll(range, 64));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(251)]
    public void Seeking_outside_the_window_is_refused(long position)
    {
        using var range = Window(100, 250);

        Assert.Throws<ArgumentOutOfRangeException>(() => range.Position = position);
    }

    [Fact]
    public void Is_read_only_and_owns_the_inner_stream()
    {
        var inner = new MemoryStream(Data) { Position = 5 };
        var range = new RangeStream(inner, 10);

        Assert.True(range.CanRead);
        Assert.False(range.CanWrite);
        Assert.Throws<NotSupportedException>(() => range.Write([1], 0, 1));
        range.Dispose();
        Assert.False(inner.CanRead);
    }
}
