using System;
using System.Buffers;
using System.IO;

public static class Checksum
{
    public static uint Adler32(Stream input)
    {
        uint a = 1, b = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                foreach (byte value in buffer.AsSpan(0, read))
                {
                    a = (a + value) % 65521;
                    b = (b + a) % 65521;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (b << 16) | a;
    }
}
