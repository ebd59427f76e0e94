namespace Imaging.Edge.Devices.Link;

/// <summary>How a multi-byte number is sent: most significant byte first (big-endian) or least significant first.</summary>
internal enum ByteOrder { BigEndian, LittleEndian }

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
