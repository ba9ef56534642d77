// The numerics catalog: one file per rule, named by its id (NG1001.LogOfSoftmax.cs onwards), each
// tripping that rule at least once. Built, never run.
static class Program
{
    static void Main()
    {
        Catalog.Numerics.BinaryCrossEntropyOnProbabilities.Run();
    }
}
