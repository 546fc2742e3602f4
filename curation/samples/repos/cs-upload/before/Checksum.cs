using System.IO;

public static class Checksum
{
    public static uint Adler32(Stream input)
    {
        uint a = 1, b = 0;
        while (true)
        {
            byte[] chunk = new byte[4096];
            int read = input.Read(chunk, 0, chunk.Length);
            if (read == 0)
            {
                break;
            }
            byte[] copy = chunk[..read];
            foreach (byte value in copy)
            {
                a = (a + value) % 65521;
                b = (b + a) % 65521;
            }
        }
        return (b << 16) | a;
    }
}
