using System.Buffers;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Fuzz.Targets;

/// <summary>
/// The upper-layer PDU reader (PS3.8 §9.3) as the server's read loop drives it: the bytes arrive in two reads split at
/// a place the input chooses, and PDUs are read until the buffer holds no complete one. Refusals are
/// <see cref="PduFormatException"/>. Also checks the reader's own contract: false consumes nothing.
/// </summary>
internal sealed class PduTarget : FuzzTarget
{
    public override string Name => "pdu";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int split = input[0];
        byte[] bytes = input[1..].ToArray();
        split = Math.Min(split, bytes.Length);
        try
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, split);
            Drain(ref buffer);
            int consumed = split - (int)buffer.Length;
            buffer = new ReadOnlySequence<byte>(bytes, consumed, bytes.Length - consumed);
            Drain(ref buffer);
        }
        catch (PduFormatException)
        {
        }
    }

    private static void Drain(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            long before = buffer.Length;
            if (!PduReader.TryReadPdu(ref buffer, PduReader.MaxNegotiationPduLength, out _))
            {
                if (buffer.Length != before) throw new InvalidOperationException("TryReadPdu returned false but consumed bytes");
                return;
            }
            if (buffer.Length >= before) throw new InvalidOperationException("TryReadPdu returned a PDU without consuming bytes");
        }
    }

    public override IEnumerable<byte[]> Seeds() => PduSeeds.All();
}
