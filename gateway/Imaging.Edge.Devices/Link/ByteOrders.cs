using Imaging.Edge.Devices.Profiles;

namespace Imaging.Edge.Devices.Link;

/// <summary>Reads and writes the 1- or 2-byte numbers of frames (length fields, binary checks) in a <see cref="ByteOrder"/>.</summary>
internal static class ByteOrders
{
    /// <summary>Reads an unsigned number of 1 or 2 bytes.</summary>
    public static int Read(ReadOnlySpan<byte> bytes, ByteOrder order) => bytes.Length switch
    {
        1 => bytes[0],
        _ => order == ByteOrder.BigEndian ? (bytes[0] << 8) | bytes[1] : (bytes[1] << 8) | bytes[0],
    };

    /// <summary>Writes the low <paramref name="width"/> (1 or 2) bytes of <paramref name="value"/>.</summary>
    public static byte[] Write(int value, int width, ByteOrder order) => width == 1
        ? [(byte)value]
        : order == ByteOrder.BigEndian ? [(byte)(value >> 8), (byte)value] : [(byte)value, (byte)(value >> 8)];
}
