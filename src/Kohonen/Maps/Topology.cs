namespace Kohonen;

/// <summary>The shape of the cells of a map's grid.</summary>
public enum Topology
{
    /// <summary>Square cells. A node's neighbours for the topographic error and the U-matrix are the
    /// 8 surrounding cells.</summary>
    Rectangular,

    /// <summary>Hexagonal cells: odd rows are offset right by half a cell and rows are √3/2 apart,
    /// so every inner node has 6 neighbours at grid distance 1.</summary>
    Hexagonal,
}
