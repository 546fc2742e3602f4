#include <iostream>
#include <string>
#include <vector>

struct Item {
    std::string name;
    int quantity;
    int minimum;
};

// Items below their minimum stock, with the number to order.
std::vector<std::string> restock_list(const std::vector<Item>& items) {
    std::vector<std::string> orders;
    for (const Item& item : items) {
        if (item.quantity < item.minimum) {
            orders.push_back(item.name + " x" + std::to_string(item.minimum - item.quantity));
        }
    }
    return orders;
}

int main() {
    const std::vector<Item> items = {{"bolt", 3, 10}, {"nut", 12, 10}};
    for (const std::string& order : restock_list(items)) {
        std::cout << order << "\n";
    }
}
