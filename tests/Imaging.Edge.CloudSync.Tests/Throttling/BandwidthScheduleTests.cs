using Imaging.Edge.CloudSync.Throttling;

namespace Imaging.Edge.CloudSync.Tests.Throttling;

public sealed class BandwidthScheduleTests
{
    private static TimeOnly T(string text) => BandwidthSchedule.ParseTime(text);

    [Theory]
    [InlineData("08:00", true)]
    [InlineData("12:30", true)]
    [InlineData("17:59", true)]
    [InlineData("18:00", false)]
    [InlineData("07:59", false)]
    public void Day_window_contains_from_inclusive_to_exclusive(string time, bool inside)
    {
        Assert.Equal(inside, new BandwidthWindow(T("08:00"), T("18:00"), 20).Contains(T(time)));
    }

    [Theory]
    [InlineData("22:00", true)]
    [InlineData("23:59", true)]
    [InlineData("00:00", true)]
    [InlineData("05:59", true)]
    [InlineData("06:00", false)]
    [InlineData("12:00", false)]
    [InlineData("21:59", false)]
    public void Window_passing_midnight_contains_late_evening_and_early_morning(string time, bool inside)
    {
        Assert.Equal(inside, new BandwidthWindow(T("22:00"), T("06:00"), 50).Contains(T(time)));
    }

    [Fact]
    public void Rate_inside_a_window_is_megabits_as_bytes_per_second()
    {
        var schedule = new BandwidthSchedule([new BandwidthWindow(T("08:00"), T("18:00"), 20)]);

        Assert.Equal(2_500_000d, schedule.BytesPerSecondAt(T("09:00")));
    }

    [Fact]
    public void Rate_inside_a_window_passing_midnight_applies_after_midnight()
    {
        var schedule = new BandwidthSchedule([new BandwidthWindow(T("22:00"), T("06:00"), 8)]);

        Assert.Equal(1_000_000d, schedule.BytesPerSecondAt(T("02:00")));
        Assert.Equal(1_000_000d, schedule.BytesPerSecondAt(T("23:00")));
    }

    [Fact]
    public void Overlapping_windows_give_the_lowest_rate()
    {
        var schedule = new BandwidthSchedule(
        [
            new BandwidthWindow(T("08:00"), T("18:00"), 20),
            new BandwidthWindow(T("12:00"), T("13:00"), 4),
            new BandwidthWindow(T("11:00"), T("14:00"), 10),
        ]);

        Assert.Equal(500_000d, schedule.BytesPerSecondAt(T("12:30")));
        Assert.Equal(1_250_000d, schedule.BytesPerSecondAt(T("11:30")));
        Assert.Equal(2_500_000d, schedule.BytesPerSecondAt(T("09:00")));
    }

    [Fact]
    public void Outside_every_window_is_unlimited()
    {
        var schedule = new BandwidthSchedule([new BandwidthWindow(T("08:00"), T("18:00"), 20)]);

        Assert.Null(schedule.BytesPerSecondAt(T("19:00")));
        Assert.Null(BandwidthSchedule.Unlimited.BytesPerSecondAt(T("12:00")));
    }

    [Theory]
    [InlineData("00:00", 0, 0)]
    [InlineData("08:05", 8, 5)]
    [InlineData("23:59", 23, 59)]
    public void ParseTime_reads_HH_mm(string text, int hour, int minute)
    {
        Assert.Equal(new TimeOnly(hour, minute), BandwidthSchedule.ParseTime(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("24:00")]
    [InlineData("12:60")]
    [InlineData("noon")]
    [InlineData("12:00:00")]
    [InlineData("12.00")]
    [InlineData("-1:00")]
    public void ParseTime_rejects_bad_text_naming_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => BandwidthSchedule.ParseTime(text));

        Assert.Contains($"'{text}'", error.Message);
    }
}
