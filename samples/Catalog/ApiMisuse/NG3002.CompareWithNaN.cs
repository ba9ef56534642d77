using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.ApiMisuse;

/// <summary>NG3002: comparing with NaN, which equals nothing.</summary>
static class CompareWithNaN
{
    public static void Check(Tensor output)
    {
        // NG3002: NaN equals nothing, so this check never fires.
        if ((output == double.NaN).any().item<bool>())  // NanGuard: NG3002
            Console.WriteLine("NaN in the output");
        // NG3002 again, through eq.
        Console.WriteLine(output.eq(float.NaN).any().item<bool>());  // NanGuard: NG3002
    }
}
